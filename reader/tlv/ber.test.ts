import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../shared/bytes.ts';
import { ReaderError, TlvIncompleteError } from '../errors.ts';
import {
  children,
  encodeTlv,
  parseExactTags,
  parseTlv,
  parseTlvHeader,
  parseTlvList,
  requireTag,
  tlvTotalLength,
} from './ber.ts';

// The basic-four record of a JPKI test card (card-protocols.md "Basic four, EF 0002").
const BASIC_FOUR = fromHex(
  'ff2065df2108000e002000590064df220fe9bb92e6a190e38080e5b9b9e4b99fdf2336e69db1e4baace983bde6b885e7' +
    '80ace5b882e8a6b3e5b883e5ad90e58d97efbc91efbc92efbc8defbc97efbc8defbc92efbc90efbc92df240831393830' +
    '30323137df250131',
);
const utf8 = (b: Uint8Array): string => new TextDecoder('utf-8', { fatal: true }).decode(b);

describe('BER-TLV: the basic-four test vector', () => {
  it('parses FF20 and finds every field by tag', () => {
    const outer = parseTlv(BASIC_FOUR);
    expect(outer.tag).toBe(0xff20);
    expect(outer.constructed).toBe(true);
    expect(outer.length).toBe(0x65);
    const fields = children(outer);
    expect(utf8(requireTag(fields, 0xdf22).value)).toBe('黒桐　幹也');
    expect(utf8(requireTag(fields, 0xdf23).value)).toBe('東京都清瀬市観布子南１２－７－２０２');
    expect(utf8(requireTag(fields, 0xdf24).value)).toBe('19800217');
    expect(utf8(requireTag(fields, 0xdf25).value)).toBe('1');
  });

  it('the DF21 offsets point at the fields, from the start of the file', () => {
    const fields = children(parseTlv(BASIC_FOUR));
    const table = requireTag(fields, 0xdf21).value;
    const offsets = [0, 2, 4, 6].map((i) => ((table[i] as number) << 8) | (table[i + 1] as number));
    expect(offsets).toEqual([0x0e, 0x20, 0x59, 0x64]);
    [0xdf22, 0xdf23, 0xdf24, 0xdf25].forEach((tag, i) => {
      expect(requireTag(fields, tag).offset + 3).toBe(offsets[i]);
    });
  });

  it('sizes a file from its first 7 bytes, as the card is read', () => {
    expect(tlvTotalLength(BASIC_FOUR.subarray(0, 7))).toBe(BASIC_FOUR.length);
  });

  it('reports exactly how many bytes are missing', () => {
    for (const cut of [10, 50, BASIC_FOUR.length - 1]) {
      try {
        parseTlv(BASIC_FOUR.subarray(0, cut));
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(TlvIncompleteError);
        expect((error as TlvIncompleteError).missing).toBe(BASIC_FOUR.length - cut);
      }
    }
  });

  it('parseExactTags refuses unexpected and repeated tags', () => {
    const inner = parseTlv(BASIC_FOUR).value;
    expect(parseExactTags(inner, [0xdf21, 0xdf22, 0xdf23, 0xdf24, 0xdf25], 'basic four').size).toBe(
      5,
    );
    expect(() =>
      parseExactTags(inner, [0xdf21, 0xdf22, 0xdf23, 0xdf24], 'basic four'),
    ).toThrowError(expect.objectContaining({ code: 'reader/tlv-invalid' }) as Error);
    const twice = new Uint8Array([
      ...encodeTlv(0xdf22, fromHex('41')),
      ...encodeTlv(0xdf22, fromHex('42')),
    ]);
    expect(() => parseExactTags(twice, [0xdf22], 'x')).toThrow(/repeated/);
  });
});

describe('BER-TLV: headers', () => {
  it('multi-byte tags and long lengths', () => {
    expect(parseTlvHeader(fromHex('7f218202 33'))).toEqual({
      tag: 0x7f21,
      constructed: true,
      headerLength: 5,
      length: 0x233,
    });
    expect(parseTlvHeader(fromHex('5f4e820129'))).toMatchObject({ tag: 0x5f4e, length: 297 });
    expect(parseTlvHeader(fromHex('df3382 0100'))).toMatchObject({
      tag: 0xdf33,
      constructed: false,
      length: 256,
    });
    expect(parseTlvHeader(fromHex('9f8101 81 80'))).toMatchObject({
      tag: 0x9f8101,
      headerLength: 5,
      length: 128,
    });
  });

  it('rejects garbage with reader/tlv-invalid', () => {
    for (const h of [
      '00 01',
      '1f 00 01 00',
      '1f 80 01 00',
      '30 80',
      '30 85 0000000001',
      '1f ff ff ff 01 00',
    ]) {
      expect(() => parseTlvHeader(fromHex(h)), h).toThrowError(
        expect.objectContaining({ code: 'reader/tlv-invalid' }) as Error,
      );
    }
  });

  it('accepts the two-byte tags the card uses below 1F (FF10, DF11..DF13)', () => {
    expect(parseTlvHeader(fromHex('ff100c'))).toMatchObject({
      tag: 0xff10,
      constructed: true,
      length: 12,
    });
    expect(parseTlvHeader(fromHex('df1108'))).toMatchObject({ tag: 0xdf11, length: 8 });
    const myNumberFile = fromHex(
      'ff100c' + Buffer.from('537686677188').toString('hex') + 'ffffffff',
    );
    expect(new TextDecoder().decode(parseTlv(myNumberFile).value)).toBe('537686677188');
  });

  it('an incomplete header asks for more', () => {
    expect(() => parseTlvHeader(new Uint8Array(0))).toThrow(TlvIncompleteError);
    expect(() => parseTlvHeader(fromHex('df'))).toThrow(TlvIncompleteError);
    expect(() => parseTlvHeader(fromHex('df22'))).toThrow(TlvIncompleteError);
    try {
      parseTlvHeader(fromHex('5f4e82'));
    } catch (error) {
      expect((error as TlvIncompleteError).missing).toBe(2);
    }
  });
});

describe('BER-TLV: properties', () => {
  const tag = fc.oneof(
    fc.integer({ min: 0x01, max: 0x1e }).map((t) => t | 0x80),
    fc.integer({ min: 0x1f, max: 0x7f }).map((t) => 0xdf00 | t),
    fc.integer({ min: 0x1f, max: 0x7f }).map((t) => 0xff00 | t),
    fc.integer({ min: 0x1f, max: 0x7f }).map((t) => 0x5f00 | t),
  );

  it('encode → parse returns the same tag and value', () => {
    fc.assert(
      fc.property(tag, fc.uint8Array({ maxLength: 70000 }), (t, value) => {
        const tlv = parseTlv(encodeTlv(t, value));
        expect(tlv.tag).toBe(t);
        expect(tlv.length).toBe(value.length);
        expect(toHex(tlv.value)).toBe(toHex(value));
      }),
      { numRuns: 300 },
    );
  });

  it('lists of TLVs round-trip', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(tag, fc.uint8Array({ maxLength: 300 })), { maxLength: 20 }),
        (items) => {
          const bytes = new Uint8Array(items.flatMap(([t, v]) => [...encodeTlv(t, v)]));
          expect(parseTlvList(bytes).map((x) => x.tag)).toEqual(items.map(([t]) => t));
        },
      ),
    );
  });

  it('arbitrary bytes: only ReaderErrors, and parsing a list always ends', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        for (const run of [
          () => parseTlv(bytes),
          () => parseTlvList(bytes),
          () => tlvTotalLength(bytes),
        ]) {
          try {
            run();
          } catch (error) {
            expect(error).toBeInstanceOf(ReaderError);
            expect(['reader/tlv-invalid', 'reader/tlv-incomplete']).toContain(
              (error as ReaderError).code,
            );
          }
        }
      }),
      { numRuns: 10000 },
    );
  });
});
