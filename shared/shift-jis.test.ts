import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from './bytes.ts';
import { GETA_MARK, decodeShiftJis, encodeShiftJis, encodeShiftJisLossy } from './shift-jis.ts';

const hexOf = (text: string): string => {
  const r = encodeShiftJis(text);
  if (!r.ok) throw new Error(`no code for U+${r.codePoint.toString(16)}`);
  return toHex(r.bytes);
};

describe('Shift_JIS encoder', () => {
  it('encodes JIS X 0208 kanji, kana and ASCII to the codes in the JIS table', () => {
    expect(hexOf('高齢者')).toBe('8d8297ee8ed2');
    expect(hexOf('図書館')).toBe('907d8f918ad9');
    expect(hexOf('あア')).toBe('82a08341');
    expect(hexOf('AZ09|')).toBe('415a30397c');
  });

  it('encodes half-width katakana as single bytes 0xA1–0xDF', () => {
    expect(hexOf('ｶﾅ｡ﾟ')).toBe('b6c5a1df');
  });

  it('prefers the IBM extension codes over the NEC-selected duplicates (WHATWG)', () => {
    // 髙 exists at 0xFBFC (IBM) and 0xEEE0 (NEC-selected IBM); the encoder uses 0xFBFC.
    expect(hexOf('髙')).toBe('fbfc');
    // ① is in NEC row 13 (0x8740) only.
    expect(hexOf('①')).toBe('8740');
  });

  it('maps ¥ and ‾ to their JIS X 0201 bytes and MINUS SIGN to the full-width hyphen-minus', () => {
    expect(hexOf('¥‾')).toBe('5c7e');
    expect(hexOf('−')).toBe(hexOf('－'));
  });

  it('reports the first character with no code, by its index', () => {
    expect(encodeShiftJis('本😀')).toEqual({ ok: false, at: 1, codePoint: 0x1f600 });
    expect(encodeShiftJis('한')).toMatchObject({ ok: false, at: 0 });
    expect(encodeShiftJis('\ue000')).toMatchObject({ ok: false }); // user-defined area
  });

  it('lossy encoding puts 〓 where a character has no code', () => {
    expect(toHex(encodeShiftJisLossy('本😀本'))).toBe(`967b${toHex(GETA_MARK)}967b`);
  });

  it('is the inverse of the platform decoder for every character it encodes', () => {
    let encodable = 0;
    for (let cp = 0; cp < 0x10000; cp += 1) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const text = String.fromCharCode(cp);
      const r = encodeShiftJis(text);
      if (!r.ok) continue;
      encodable += 1;
      const back = decodeShiftJis(r.bytes, true);
      if (cp === 0xa5 || cp === 0x203e || cp === 0x2212) continue; // one-way by design
      expect(back, `U+${cp.toString(16)}`).toBe(text);
    }
    expect(encodable).toBeGreaterThan(7000);
  });

  it('property: any string round-trips or names an unencodable character; never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        const r = encodeShiftJis(text);
        if (r.ok) {
          const back = decodeShiftJis(r.bytes, true);
          expect(back).toBeDefined();
          expect(encodeShiftJis(back ?? '')).toEqual(r);
        } else {
          expect(text.codePointAt(r.at)).toBe(r.codePoint === 0xff0d ? 0x2212 : r.codePoint);
        }
      }),
    );
  });

  it('fatal decoding of ill-formed bytes is undefined, not an exception', () => {
    expect(decodeShiftJis(Uint8Array.of(0x81), true)).toBeUndefined();
    expect(decodeShiftJis(Uint8Array.of(0x81))).toBe('\ufffd');
  });
});
