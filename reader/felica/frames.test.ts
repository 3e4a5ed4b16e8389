import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../shared/bytes.ts';
import { encodeCommand } from '../apdu/command.ts';
import { ReaderError } from '../errors.ts';
import {
  acsPassThroughCommand,
  getIdmCommand,
  part3ReadBlockCommand,
  part3SelectServiceCommand,
} from './access.ts';
import {
  decodeReadWithoutEncryptionCommand,
  parsePollingResponse,
  parseReadWithoutEncryptionResponse,
  pollingFrame,
  readWithoutEncryptionFrame,
  readWithoutEncryptionResponseFrame,
  type BlockRef,
} from './frames.ts';

// The IDm printed in the ACM1252U-Y3 manual's example (§5.2.6): a reader's sample, not a rider's.
const IDM = fromHex('01 01 06 01 CB 09 57 03');
const OTHER_IDM = fromHex('01 01 06 01 CB 09 57 04');
const hex = (bytes: Uint8Array): string => toHex(bytes, ' ');

function felicaReason(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ReaderError);
    expect((error as ReaderError).code).toBe('reader/felica');
    return (error as ReaderError).details['reason'];
  }
  throw new Error('expected a ReaderError');
}

describe('Read Without Encryption command frame', () => {
  it('matches the ACM1252U manual example inside FF 00 00 00 (anchors.md B.1)', () => {
    const frame = readWithoutEncryptionFrame(IDM, [0x0109], [{ service: 0, block: 0 }]);
    expect(hex(encodeCommand(acsPassThroughCommand(frame)))).toBe(
      'ff 00 00 00 10 10 06 01 01 06 01 cb 09 57 03 01 09 01 01 80 00',
    );
  });

  it('puts the service index in the element and uses the 3-byte form from block 256', () => {
    const frame = readWithoutEncryptionFrame(
      IDM,
      [0x090f, 0x008b],
      [
        { service: 0, block: 1 },
        { service: 1, block: 0 },
        { service: 0, block: 0x0123 },
      ],
    );
    expect(hex(frame)).toBe('17 06 01 01 06 01 cb 09 57 03 02 0f 09 8b 00 03 80 01 81 00 00 23 01');
  });

  it('refuses what no frame can carry', () => {
    expect(
      felicaReason(() =>
        readWithoutEncryptionFrame(IDM.subarray(0, 7), [0x090f], [{ service: 0, block: 0 }]),
      ),
    ).toBe('idm-length');
    expect(
      felicaReason(() => readWithoutEncryptionFrame(IDM, [], [{ service: 0, block: 0 }])),
    ).toBe('invalid-argument');
    expect(felicaReason(() => readWithoutEncryptionFrame(IDM, [0x090f], []))).toBe(
      'invalid-argument',
    );
    const sixteen = Array.from({ length: 16 }, (_, block) => ({ service: 0, block }));
    expect(felicaReason(() => readWithoutEncryptionFrame(IDM, [0x090f], sixteen))).toBe(
      'invalid-argument',
    );
    expect(
      felicaReason(() => readWithoutEncryptionFrame(IDM, [0x090f], [{ service: 1, block: 0 }])),
    ).toBe('invalid-argument');
    expect(
      felicaReason(() => readWithoutEncryptionFrame(IDM, [0x10000], [{ service: 0, block: 0 }])),
    ).toBe('invalid-argument');
    expect(
      felicaReason(() => readWithoutEncryptionFrame(IDM, [0x090f], [{ service: 0, block: -1 }])),
    ).toBe('invalid-argument');
  });

  it('decodes back to what was built, as a card does (property)', () => {
    const args = fc
      .record({
        services: fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 1, maxLength: 16 }),
        picks: fc.array(fc.record({ s: fc.nat(), block: fc.integer({ min: 0, max: 0xffff }) }), {
          minLength: 1,
          maxLength: 15,
        }),
        idm: fc.uint8Array({ minLength: 8, maxLength: 8 }),
      })
      .map(({ services, picks, idm }) => ({
        idm,
        services,
        blocks: picks.map(({ s, block }): BlockRef => ({ service: s % services.length, block })),
      }));
    fc.assert(
      fc.property(args, ({ idm, services, blocks }) => {
        const decoded = decodeReadWithoutEncryptionCommand(
          readWithoutEncryptionFrame(idm, services, blocks),
        );
        expect(decoded).toEqual({ kind: 'ok', idm, serviceCodes: services, blocks });
      }),
    );
  });

  it('answers bad counts and bad elements with the status flags a card uses', () => {
    const head = '06 01 01 06 01 cb 09 57 03';
    const frame = (body: string): Uint8Array => {
      const bytes = fromHex(`00 ${head} ${body}`);
      bytes[0] = bytes.length;
      return bytes;
    };
    expect(decodeReadWithoutEncryptionCommand(frame('00 01 80 00'))).toMatchObject({
      kind: 'status',
      sf1: 0xff,
      sf2: 0xa1,
    });
    expect(decodeReadWithoutEncryptionCommand(frame('01 0f 09 10'))).toMatchObject({
      kind: 'status',
      sf1: 0xff,
      sf2: 0xa2,
    });
    expect(decodeReadWithoutEncryptionCommand(frame('01 0f 09 02 80 00 81 00'))).toMatchObject({
      sf1: 0x02,
      sf2: 0xa3,
    });
    expect(decodeReadWithoutEncryptionCommand(frame('01 0f 09 01 90 00'))).toMatchObject({
      sf1: 0x01,
      sf2: 0xa7,
    });
    expect(decodeReadWithoutEncryptionCommand(frame('01 0f 09 02 80 00'))).toEqual({
      kind: 'silent',
    }); // cut short
    expect(decodeReadWithoutEncryptionCommand(frame('01 0f 09 01 80 00 00'))).toEqual({
      kind: 'silent',
    }); // trailing byte
    expect(decodeReadWithoutEncryptionCommand(fromHex('05 06 01 02 03'))).toEqual({
      kind: 'silent',
    });
  });
});

describe('parseReadWithoutEncryptionResponse', () => {
  const block = (fill: number): Uint8Array => new Uint8Array(16).fill(fill);

  it('returns the blocks of a well-formed response (ACR122T manual example shape)', () => {
    const frame = fromHex(
      '1D 07 01 01 06 01 CB 09 57 03 00 00 01 00 AA 55 AA 55 AA 55 AA 55 AA 55 AA 55 AA 55 AA',
    );
    const blocks = parseReadWithoutEncryptionResponse(frame, IDM, 1);
    expect(blocks.map((b) => hex(b))).toEqual(['00 aa 55 aa 55 aa 55 aa 55 aa 55 aa 55 aa 55 aa']);
    const two = readWithoutEncryptionResponseFrame(IDM, { blocks: [block(1), block(2)] });
    expect(parseReadWithoutEncryptionResponse(two, IDM)).toEqual([block(1), block(2)]);
  });

  it('reports status flags in details, and names A6 and A8', () => {
    // What an ACR1252U returned for a service the Suica does not have.
    const missing = fromHex('0C 07 01 01 06 01 CB 09 57 03 01 A6');
    let error: unknown;
    try {
      parseReadWithoutEncryptionResponse(missing, IDM);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      code: 'reader/felica',
      details: { reason: 'service-not-found', sf1: 0x01, sf2: 0xa6 },
    });
    const outOfRange = readWithoutEncryptionResponseFrame(IDM, { sf1: 0x01, sf2: 0xa8 });
    expect(felicaReason(() => parseReadWithoutEncryptionResponse(outOfRange, IDM))).toBe(
      'block-out-of-range',
    );
    const other = readWithoutEncryptionResponseFrame(IDM, { sf1: 0xff, sf2: 0xa2 });
    expect(felicaReason(() => parseReadWithoutEncryptionResponse(other, IDM))).toBe('status-flags');
    expect(
      felicaReason(() =>
        parseReadWithoutEncryptionResponse(
          readWithoutEncryptionResponseFrame(IDM, { sf1: 0, sf2: 0x71 }),
          IDM,
        ),
      ),
    ).toBe('status-flags');
  });

  it('rejects truncated frames, wrong lengths, codes, IDm and block counts', () => {
    const good = readWithoutEncryptionResponseFrame(IDM, { blocks: [block(7)] });
    expect(felicaReason(() => parseReadWithoutEncryptionResponse(new Uint8Array(0), IDM))).toBe(
      'truncated',
    );
    expect(felicaReason(() => parseReadWithoutEncryptionResponse(good.subarray(0, 20), IDM))).toBe(
      'length-mismatch',
    );
    const short = good.slice(0, 11);
    short[0] = 11;
    expect(felicaReason(() => parseReadWithoutEncryptionResponse(short, IDM))).toBe('truncated');
    const noCount = good.slice(0, 12);
    noCount[0] = 12;
    noCount[11] = 0;
    expect(felicaReason(() => parseReadWithoutEncryptionResponse(noCount, IDM))).toBe('truncated');
    const code = good.slice();
    code[1] = 0x09;
    expect(felicaReason(() => parseReadWithoutEncryptionResponse(code, IDM))).toBe('response-code');
    expect(felicaReason(() => parseReadWithoutEncryptionResponse(good, OTHER_IDM))).toBe(
      'idm-mismatch',
    );
    const count = good.slice();
    count[12] = 2;
    expect(felicaReason(() => parseReadWithoutEncryptionResponse(count, IDM))).toBe('block-count');
    expect(felicaReason(() => parseReadWithoutEncryptionResponse(good, IDM, 2))).toBe(
      'block-count',
    );
  });

  it('never throws anything but a ReaderError on arbitrary bytes (property)', () => {
    const frames = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      // Mostly-valid frames with a correct length byte, so the later checks are reached too.
      fc.uint8Array({ minLength: 1, maxLength: 255 }).map((b) => {
        const f = b.slice();
        f[0] = f.length;
        if (f.length > 1) f[1] = 0x07;
        if (f.length > 2) f.set(IDM.subarray(0, Math.min(8, f.length - 2)), 2);
        return f;
      }),
    );
    fc.assert(
      fc.property(
        frames,
        fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
        (frame, expected) => {
          try {
            const blocks = parseReadWithoutEncryptionResponse(frame, IDM, expected);
            for (const b of blocks) expect(b.length).toBe(16);
          } catch (error) {
            expect(error).toBeInstanceOf(ReaderError);
            expect((error as ReaderError).code).toBe('reader/felica');
          }
          const decoded = decodeReadWithoutEncryptionCommand(frame);
          expect(['ok', 'status', 'silent']).toContain(decoded.kind);
        },
      ),
    );
  });
});

describe('Polling', () => {
  it('builds the frame with the system code big-endian', () => {
    expect(hex(pollingFrame(0x0003))).toBe('06 00 00 03 00 00');
    expect(hex(pollingFrame(0xffff, 1, 0))).toBe('06 00 ff ff 01 00');
    expect(felicaReason(() => pollingFrame(0x10000))).toBe('invalid-argument');
  });

  it('parses 18- and 20-byte responses and rejects the rest', () => {
    const pmm = fromHex('10 0B 4B 42 84 85 D0 FF');
    const r18 = Uint8Array.of(18, 0x01, ...IDM, ...pmm);
    expect(parsePollingResponse(r18)).toEqual({ idm: IDM, pmm });
    const r20 = Uint8Array.of(20, 0x01, ...IDM, ...pmm, 0x00, 0x03);
    expect(parsePollingResponse(r20)).toEqual({ idm: IDM, pmm, requestData: fromHex('0003') });
    expect(felicaReason(() => parsePollingResponse(r18.subarray(0, 17)))).toBe('length-mismatch');
    const r19 = Uint8Array.of(19, 0x01, ...IDM, ...pmm, 0);
    expect(felicaReason(() => parsePollingResponse(r19))).toBe('length-mismatch');
    const wrong = r18.slice();
    wrong[1] = 0x07;
    expect(felicaReason(() => parsePollingResponse(wrong))).toBe('response-code');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        try {
          parsePollingResponse(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(ReaderError);
        }
      }),
    );
  });
});

describe('pseudo-APDUs', () => {
  it('encode as the manuals print them', () => {
    expect(hex(encodeCommand(getIdmCommand()))).toBe('ff ca 00 00 00');
    expect(hex(encodeCommand(part3SelectServiceCommand(0x090f)))).toBe('ff a4 00 01 02 0f 09');
    expect(hex(encodeCommand(part3ReadBlockCommand(0)))).toBe('ff b0 00 00 00');
    expect(hex(encodeCommand(part3ReadBlockCommand(19)))).toBe('ff b0 00 13 00');
    expect(felicaReason(() => part3ReadBlockCommand(256))).toBe('invalid-argument');
    expect(felicaReason(() => acsPassThroughCommand(new Uint8Array(0)))).toBe('invalid-argument');
  });

  it('mark pass-through frames secret so traces mask the IDm', () => {
    expect(acsPassThroughCommand(fromHex('0600ffff0100')).secret).toBe(true);
  });
});
