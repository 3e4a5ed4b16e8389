import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../shared/bytes.ts';
import { ReaderError } from '../errors.ts';
import { buildBasicFourFile } from '../sim/mynumber-files.ts';
import { encodeTlv } from '../tlv/ber.ts';
import { parseBasicFour, parseMyNumberFile } from './basic-four.ts';

// card-protocols.md "Basic four, EF 0002": a JPKI test card's record (synthetic holder).
const VECTOR = fromHex(
  'ff2065df2108000e002000590064df220fe9bb92e6a190e38080e5b9b9e4b99fdf2336e69db1e4baace983bde6b885e7' +
    '80ace5b882e8a6b3e5b883e5ad90e58d97efbc91efbc92efbc8defbc97efbc8defbc92efbc90efbc92df240831393830' +
    '30323137df250131',
);

describe('parseBasicFour', () => {
  it('reads the public test vector', () => {
    const r = parseBasicFour(VECTOR);
    expect({ name: r.name, address: r.address, birthDate: r.birthDate, sex: r.sex }).toEqual({
      name: '黒桐　幹也',
      address: '東京都清瀬市観布子南１２－７－２０２',
      birthDate: '1980-02-17',
      sex: 'male',
    });
    // DF32 digests the FF20 value from DF22 on: the offset table is skipped
    expect(Buffer.from(r.digestSource.subarray(0, 2)).toString('hex')).toBe('df22');
    expect(r.digestSource.length).toBe(VECTOR.length - 3 - 11);
  });

  it('keeps characters outside the BMP and variation selectors byte-exact', () => {
    const name = '𠮷野　葛\u{E0100}子'; // U+20BB7, and 葛 with IVS U+E0100
    const address = '東京都葛\u{E0101}飾区𩸽町１－２';
    const file = buildBasicFourFile({ name, address, birthDate: '2001-01-01', sex: '2' });
    const r = parseBasicFour(file);
    expect(r.name).toBe(name);
    expect(Buffer.from(r.name, 'utf8').equals(Buffer.from(name, 'utf8'))).toBe(true);
    expect(r.address).toBe(address);
    expect(r.name.normalize('NFC')).toBe(r.name); // nothing was normalised away
    expect([...r.name]).toHaveLength(6); // code points: the IVS is its own
  });

  it('checks the offset table rather than trusting it', () => {
    const bad = VECTOR.slice();
    bad[7] = 0x0f; // first offset off by one
    expect(() => parseBasicFour(bad)).toThrowError(/offset 1 does not point/);
  });

  it.each([
    ['not FF20', (b: Uint8Array) => (b[1] = 0x30), /not an FF20/],
    ['invalid UTF-8 in the name', (b: Uint8Array) => (b[17] = 0xff), /not valid UTF-8/],
    ['sex 3', (b: Uint8Array) => (b[b.length - 1] = 0x33), /JIS X 0303/],
    ['birth month 92', (b: Uint8Array) => (b[b.length - 8] = 0x39), /YYYYMMDD/],
    ['an unknown tag', (b: Uint8Array) => (b[b.length - 3] = 0x26), /unexpected tag/],
  ])('refuses %s with reader/tlv-invalid', (_label, damage, message) => {
    const b = VECTOR.slice();
    damage(b);
    expect(() => parseBasicFour(b)).toThrowError(message);
    try {
      parseBasicFour(b);
    } catch (error) {
      expect((error as ReaderError).code).toBe('reader/tlv-invalid');
    }
  });

  it('a truncated record is tlv-incomplete', () => {
    expect(() => parseBasicFour(VECTOR.subarray(0, 50))).toThrowError(
      expect.objectContaining({ code: 'reader/tlv-incomplete' }) as Error,
    );
  });

  it('property: any bytes parse or fail with a ReaderError that never echoes the data', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          parseBasicFour(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(ReaderError);
        }
      }),
      { numRuns: 3000 },
    );
    // mutations of the real record
    fc.assert(
      fc.property(fc.nat(VECTOR.length - 1), fc.integer({ min: 0, max: 255 }), (at, value) => {
        const b = VECTOR.slice();
        b[at] = value;
        try {
          parseBasicFour(b);
        } catch (error) {
          expect(error).toBeInstanceOf(ReaderError);
          expect((error as Error).message).not.toContain('黒桐');
        }
      }),
    );
  });
});

describe('parseMyNumberFile', () => {
  it('reads FF 10 0C + 12 digits and ignores the filler', () => {
    expect(
      parseMyNumberFile(fromHex('ff100c' + Buffer.from('537686677188').toString('hex') + 'ffffff')),
    ).toBe('537686677188');
    expect(() =>
      parseMyNumberFile(encodeTlv(0xff10, new TextEncoder().encode('12345'))),
    ).toThrowError(expect.objectContaining({ code: 'reader/tlv-invalid' }) as Error);
  });
});
