import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKazasuError } from '../../../shared/errors.ts';
import { encodeShiftJis } from '../../../shared/shift-jis.ts';
import { checksumHex } from './checksum.ts';
import { decodeFrame, encodeMessage, type DecodeOptions } from './codec.ts';
import { Sip2FrameSplitter } from './framing.ts';
import {
  MESSAGES,
  type AnyMessage,
  type FixedKind,
  type MessageCode,
  type MessageOf,
  type MessageSpec,
} from './messages.ts';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const utf8: DecodeOptions = { charset: 'utf-8', requireChecksum: true };
/** Encodes with a sequence number and decodes the frame back (without its CR). */
const roundTrip = (m: AnyMessage, charset: 'utf-8' | 'shift_jis' = 'utf-8') => {
  const bytes = encodeMessage(m, { charset, sequence: 4 });
  expect(bytes.at(-1)).toBe(0x0d);
  return decodeFrame(bytes.subarray(0, -1), { charset, requireChecksum: true });
};
const codeOf = (fn: () => unknown): string => {
  try {
    fn();
    return 'no error';
  } catch (error) {
    return isKazasuError(error) ? error.code : `untyped: ${String(error)}`;
  }
};

const DATE = '20261122    103000';
const checkout: MessageOf<'11'> = {
  code: '11',
  scRenewalPolicy: false,
  noBlock: false,
  transactionDate: DATE,
  nbDueDate: ' '.repeat(18),
  institutionId: 'kiyose',
  patronId: 'L0001',
  itemId: '3001234',
  terminalPassword: 'tp',
};

describe('SIP2 checksum', () => {
  it('matches the SIP2 Guide example (page 26, cited by Koha t/sip_checksum): 990 402.00AY1AZFCB4', () => {
    expect(checksumHex(ascii('990 402.00AY1AZ'))).toBe('FCB4');
    const decoded = decodeFrame(ascii('990 402.00AY1AZFCB4'), utf8);
    expect(decoded).toEqual({
      message: { code: '99', statusCode: '0', maxPrintWidth: 40, protocolVersion: '2.00' },
      sequence: 1,
      checksum: 'valid',
    });
  });

  it('encodes SC Status as the Guide does, with the print width zero-padded', () => {
    const bytes = encodeMessage(
      { code: '99', statusCode: '0', maxPrintWidth: 40, protocolVersion: '2.00' },
      { charset: 'utf-8', sequence: 1 },
    );
    // one byte differs from the Guide's "990 402.00": '0' is 0x10 more than ' '.
    expect(text(bytes)).toBe('9900402.00AY1AZFCA4\r');
  });

  it('resend requests carry only a checksum: 96AZFEF6, 97AZFEF5', () => {
    expect(text(encodeMessage({ code: '96' }, { charset: 'utf-8', checksumOnly: true }))).toBe(
      '96AZFEF6\r',
    );
    expect(text(encodeMessage({ code: '97' }, { charset: 'utf-8', checksumOnly: true }))).toBe(
      '97AZFEF5\r',
    );
    expect(decodeFrame(ascii('96AZFEF6'), utf8)).toMatchObject({ sequence: undefined });
  });

  it('sums the encoded bytes in the link charset, not UTF-16 code units (node-sip2 pitfall)', () => {
    const title: MessageOf<'18'> = {
      code: '18',
      circulationStatus: '03',
      securityMarker: '00',
      feeType: '01',
      transactionDate: DATE,
      itemId: '3001234',
      titleId: '吾輩は猫である',
    };
    const sjis = encodeMessage(title, { charset: 'shift_jis', sequence: 0 });
    const body = sjis.subarray(0, -5); // up to and including AZ
    const sjisBody = encodeShiftJis(text(encodeMessage(title, { charset: 'utf-8' })).slice(0, -1));
    expect(sjisBody.ok).toBe(true);
    expect(text(sjis.subarray(-5, -1))).toBe(checksumHex(body));
    let utf16 = 0;
    for (const c of `${text(encodeMessage(title, { charset: 'utf-8' })).slice(0, -1)}AY0AZ`) {
      utf16 += c.charCodeAt(0);
    }
    expect(checksumHex(body)).not.toBe((-utf16 & 0xffff).toString(16).toUpperCase());
    expect(roundTrip(title, 'shift_jis').message).toEqual(title);
  });

  it('a flipped byte or a missing checksum is library/sip2-checksum', () => {
    const bytes = encodeMessage(checkout, { charset: 'utf-8', sequence: 2 }).slice(0, -1);
    bytes[12] = (bytes[12] as number) ^ 0x01;
    expect(codeOf(() => decodeFrame(bytes, utf8))).toBe('library/sip2-checksum');
    const plain = encodeMessage(checkout, { charset: 'utf-8' }).subarray(0, -1);
    expect(codeOf(() => decodeFrame(plain, utf8))).toBe('library/sip2-checksum');
    expect(decodeFrame(plain, { charset: 'utf-8', requireChecksum: false }).checksum).toBe(
      'absent',
    );
  });
});

describe('SIP2 codec', () => {
  it('round-trips a checkout in UTF-8 and Shift_JIS, with the sequence number', () => {
    for (const charset of ['utf-8', 'shift_jis'] as const) {
      const r = roundTrip({ ...checkout, itemProperties: '児童書 ２冊組' }, charset);
      expect(r).toMatchObject({ sequence: 4, checksum: 'valid' });
      expect(r.message).toEqual({ ...checkout, itemProperties: '児童書 ２冊組' });
    }
  });

  it('keeps repeated fields in order and unknown field ids in extra', () => {
    const frame = ascii(
      '64              01420261122    103000000200000001000000000000AOkiyose|AAL0001|AEx|AUa|AUb|ZZvendor|AOagain|',
    );
    const r = decodeFrame(frame, { charset: 'utf-8', requireChecksum: false });
    expect(r.message).toMatchObject({
      code: '64',
      holdItemsCount: 2,
      chargedItemsCount: 1,
      chargedItems: ['a', 'b'],
      institutionId: 'kiyose',
      extra: [
        ['ZZ', 'vendor'],
        ['AO', 'again'],
      ],
    });
  });

  it('accepts a last field without its delimiter and blank counts as unknown', () => {
    const r = decodeFrame(
      ascii('64              01420261122    103000                        AOk|AAp'),
      {
        charset: 'utf-8',
        requireChecksum: false,
      },
    );
    expect(r.message).toMatchObject({ patronId: 'p', holdItemsCount: null });
  });

  it.each([
    ['an unknown command', '42hello'],
    ['a fixed field cut short', '11NY2026'],
    ['a flag that is neither Y nor N', '11XY20261122    103000                  AOa|AAb|ABc|'],
    ['a date that is not a date', '11NN2026112x    103000                  AOa|AAb|ABc|'],
    ['a missing required field', '11NN20261122    103000                  AOa|AAb|'],
    ['a field without an id', '11NN20261122    103000                  AOa|AAb|ABc|X|'],
  ])('%s is library/sip2-malformed', (_label, frame) => {
    expect(
      codeOf(() => decodeFrame(ascii(frame), { charset: 'utf-8', requireChecksum: false })),
    ).toBe('library/sip2-malformed');
  });

  it('bytes that are not text in the charset are library/sip2-charset', () => {
    const bad = Uint8Array.from([...ascii('18030001'), 0xff, 0xfe]);
    expect(codeOf(() => decodeFrame(bad, { charset: 'utf-8', requireChecksum: false }))).toBe(
      'library/sip2-charset',
    );
    expect(codeOf(() => decodeFrame(bad, { charset: 'shift_jis', requireChecksum: false }))).toBe(
      'library/sip2-charset',
    );
  });

  it('refuses to encode what the wire cannot carry', () => {
    const enc =
      (m: AnyMessage, charset: 'utf-8' | 'shift_jis' = 'utf-8') =>
      () =>
        encodeMessage(m, { charset, sequence: 0 });
    expect(codeOf(enc({ ...checkout, itemId: 'a|b' }))).toBe('library/sip2-malformed');
    expect(codeOf(enc({ ...checkout, itemId: 'a\rb' }))).toBe('library/sip2-malformed');
    expect(codeOf(enc({ ...checkout, transactionDate: 'today' }))).toBe('library/sip2-malformed');
    expect(codeOf(enc({ ...checkout, itemId: '한국' }, 'shift_jis'))).toBe('library/sip2-charset');
    expect(codeOf(enc({ ...checkout, itemId: '\ud800' }))).toBe('library/sip2-charset');
    expect(codeOf(() => encodeMessage(checkout, { charset: 'utf-8', sequence: 10 }))).toBe(
      'library/sip2-malformed',
    );
  });
});

describe('SIP2 frame splitter', () => {
  it('splits at CR, drops the LF of CR LF, reassembles across chunks', () => {
    const s = new Sip2FrameSplitter();
    const a = s.push(ascii('96AZ'));
    const b = s.push(ascii('FEF6\r\n97AZFEF5\r98'));
    expect(a.frames).toEqual([]);
    expect(b.frames.map(text)).toEqual(['96AZFEF6', '97AZFEF5']);
    expect(s.pending).toBe(2);
  });

  it('drops an over-long run up to the next CR and reports it once', () => {
    const s = new Sip2FrameSplitter(32);
    const r = s.push(ascii(`${'x'.repeat(40)}\r96AZFEF6\r`));
    expect(r.problems).toEqual(['frame-too-long']);
    expect(r.frames.map(text)).toEqual(['96AZFEF6']);
  });

  it('property: any chunking of a stream yields the same frames', () => {
    const stream = ascii('96AZFEF6\r97AZFEF5\r\n990 402.00AY1AZFCB4\r');
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: stream.length }), { maxLength: 8 }),
        (cuts) => {
          const s = new Sip2FrameSplitter();
          const points = [...new Set(cuts)].sort((x, y) => x - y);
          const frames: string[] = [];
          let from = 0;
          for (const p of [...points, stream.length]) {
            frames.push(...s.push(stream.subarray(from, p)).frames.map(text));
            from = p;
          }
          expect(frames).toEqual(['96AZFEF6', '97AZFEF5', '990 402.00AY1AZFCB4']);
        },
      ),
    );
  });
});

/** Values of one message of `code`, generated from its spec (so every field gets exercised). */
function messageArb(code: MessageCode): fc.Arbitrary<AnyMessage> {
  const spec: MessageSpec = MESSAGES[code];
  const value = fc.string({ maxLength: 12 }).map((s) => s.replace(/[|\r\n]/g, ''));
  const japanese = fc.constantFrom('', '図書館', 'ｶﾀｶﾅ', '吾輩は猫である', '①②', 'ABC-123');
  const fieldValue = fc.oneof(value, japanese);
  const fixed = (kind: FixedKind): fc.Arbitrary<unknown> => {
    switch (kind.kind) {
      case 'flag':
      case 'bit':
        return fc.boolean();
      case 'tri':
        return fc.constantFrom('Y', 'N', 'U');
      case 'date':
        return fc.constantFrom(DATE, ' '.repeat(18), '20270101   Z000000');
      case 'count':
        return fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 10 ** kind.width - 1 }));
      case 'text':
        return fc
          .string({
            minLength: kind.width,
            maxLength: kind.width,
            unit: fc.constantFrom(...'0123456789 Y.'),
          })
          .filter((s) => kind.chars.test(s));
    }
  };
  const record: Record<string, fc.Arbitrary<unknown>> = { code: fc.constant(code) };
  for (const [name, kind] of spec.fixed) record[name] = fixed(kind);
  const optional: string[] = [];
  for (const [name, f] of Object.entries(spec.fields)) {
    record[name] = f.repeat ? fc.array(fieldValue, { minLength: 1, maxLength: 3 }) : fieldValue;
    if (!f.required) optional.push(name);
  }
  return fc.record(record, {
    requiredKeys: [
      'code',
      ...spec.fixed.map(([n]) => n),
      ...Object.keys(spec.fields).filter((n) => !optional.includes(n)),
    ],
  }) as fc.Arbitrary<AnyMessage>;
}

describe('SIP2 codec properties', () => {
  const codes = Object.keys(MESSAGES) as MessageCode[];

  it('every message of every command round-trips in both charsets', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...codes).chain((c) => messageArb(c)),
        fc.constantFrom('utf-8' as const, 'shift_jis' as const),
        (m, charset) => {
          let bytes: Uint8Array;
          try {
            bytes = encodeMessage(m, { charset, sequence: 7 });
          } catch (error) {
            // only text with no code in the charset may be refused
            expect(isKazasuError(error) && error.code).toBe('library/sip2-charset');
            return;
          }
          const back = decodeFrame(bytes.subarray(0, -1), { charset, requireChecksum: true });
          expect(back.sequence).toBe(7);
          expect(back.message).toEqual(m);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('arbitrary bytes decode or fail with a library error; nothing else escapes', () => {
    const noise = fc.uint8Array({ maxLength: 80 });
    const mutated = fc
      .tuple(fc.constantFrom(...codes), fc.uint8Array({ maxLength: 60 }))
      .map(([c, tail]) => Uint8Array.from([...ascii(c), ...tail]));
    fc.assert(
      fc.property(fc.oneof(noise, mutated), fc.boolean(), (bytes, requireChecksum) => {
        for (const charset of ['utf-8', 'shift_jis'] as const) {
          try {
            decodeFrame(bytes, { charset, requireChecksum });
          } catch (error) {
            expect(isKazasuError(error) && error.code.startsWith('library/sip2-')).toBe(true);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});
