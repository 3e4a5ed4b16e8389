import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../shared/bytes.ts';
import { ACM1252U_FELICA_ATR, atrHistoricalBytes, isFelicaAtr } from './constants.ts';

describe('FeliCa ATR recognition (PC/SC Part 3 storage-card ATR)', () => {
  it('recognises the ACM1252U and ACR122 forms', () => {
    expect(isFelicaAtr(ACM1252U_FELICA_ATR)).toBe(true);
    expect(
      isFelicaAtr(fromHex('3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 F0 11 00 00 00 00 8A')),
    ).toBe(true); // ACR122 212K
    expect(
      isFelicaAtr(fromHex('3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 F0 12 00 00 00 00 89')),
    ).toBe(true); // 424K
  });

  it('does not take other storage cards, ISO 14443-4 cards or garbage for FeliCa', () => {
    expect(
      isFelicaAtr(fromHex('3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A')),
    ).toBe(false); // MIFARE 1K
    expect(isFelicaAtr(fromHex('3B 80 80 01 01'))).toBe(false);
    expect(isFelicaAtr(fromHex('3B 88 80 01 00 00 00 00 B3 81 81 00 BE'))).toBe(false); // a Type B card
    expect(
      isFelicaAtr(fromHex('3B 8F 80 01 80 4F 0C A0 00 00 03 07 11 00 3B 00 00 00 00 43')),
    ).toBe(false); // other RID
    expect(isFelicaAtr(new Uint8Array(0))).toBe(false);
    expect(isFelicaAtr(ACM1252U_FELICA_ATR.subarray(0, 12))).toBe(false);
  });

  it('finds the historical bytes after the interface bytes', () => {
    expect(atrHistoricalBytes(fromHex('3B 80 80 01 01'))).toEqual(new Uint8Array(0));
    expect(atrHistoricalBytes(ACM1252U_FELICA_ATR)?.length).toBe(15);
    expect(atrHistoricalBytes(fromHex('3B 95 18 40 FF 62 01 02 01 04'))).toEqual(
      fromHex('62 01 02 01 04'),
    );
  });

  it('never throws and never loops on arbitrary bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (atr) => {
        expect(typeof isFelicaAtr(atr)).toBe('boolean');
      }),
    );
  });
});
