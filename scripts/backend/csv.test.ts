import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCsv, parseCsv } from './csv.ts';

const encode = (rows: string[][]): string =>
  rows
    .map((r) =>
      r.map((f) => (/[",\r\n]/.test(f) || f === '' ? `"${f.replace(/"/g, '""')}"` : f)).join(','),
    )
    .join('\r\n');

describe('csv', () => {
  it('reads quotes, doubled quotes, embedded newlines and both line ends', () => {
    expect(parseCsv('a,"b,""c"""\n"x\ny",z\r\n')).toEqual([
      { line: 1, fields: ['a', 'b,"c"'] },
      { line: 2, fields: ['x\ny', 'z'] },
    ]);
    expect(parseCsv('a,"b')).toEqual({ error: 'a quoted field is not closed', line: 1 });
  });

  it('round-trips any table (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string(), { minLength: 1, maxLength: 5 }), {
          minLength: 1,
          maxLength: 8,
        }),
        (rows) => {
          const parsed = parseCsv(encode(rows));
          expect(Array.isArray(parsed) && parsed.map((r) => r.fields)).toEqual(rows);
        },
      ),
    );
  });

  it('decodes Shift_JIS exports and UTF-8 with or without a BOM', () => {
    const sjis = Uint8Array.from([0x8d, 0x82, 0x97, 0xee, 0x8e, 0xd2]); // 高齢者
    expect(decodeCsv(sjis)).toBe('高齢者');
    expect(decodeCsv(Buffer.from('\ufeff高齢者', 'utf8'))).toBe('高齢者');
    expect(decodeCsv(Buffer.from('高齢者', 'utf8'))).toBe('高齢者');
  });
});
