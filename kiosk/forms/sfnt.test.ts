import { readFileSync } from 'node:fs';
import fontkit from '@pdf-lib/fontkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormsError } from './errors.ts';
import { DEFAULT_FONT_FILES } from './fonts.ts';
import { evenGlyphs, SfntReader } from './sfnt.ts';

const be = (n: number, width: number): number[] =>
  Array.from({ length: width }, (_, i) => Math.floor(n / 256 ** (width - 1 - i)) % 256);

/** head, maxp, loca (long) and glyf with glyph records of the given lengths. */
function syntheticFont(glyphLengths: readonly number[]): Uint8Array {
  const head = new Array<number>(54).fill(0);
  head.splice(50, 2, 0, 1); // indexToLocFormat = 1 (long)
  const maxp = [...be(0x5000, 4), ...be(glyphLengths.length, 2)];
  const glyf: number[] = [];
  const loca: number[] = [];
  glyphLengths.forEach((n, g) => {
    loca.push(...be(glyf.length, 4));
    for (let i = 0; i < n; i += 1) glyf.push((g * 31 + i) % 256);
  });
  loca.push(...be(glyf.length, 4));
  const tables: [string, number[]][] = [
    ['glyf', glyf],
    ['head', head],
    ['loca', loca],
    ['maxp', maxp],
  ];
  const out = [...be(0x10000, 4), ...be(tables.length, 2), 0, 0, 0, 0, 0, 0];
  let at = 12 + tables.length * 16;
  const body: number[] = [];
  for (const [tag, data] of tables) {
    out.push(
      ...[...tag].map((c) => c.charCodeAt(0)),
      0,
      0,
      0,
      0,
      ...be(at, 4),
      ...be(data.length, 4),
    );
    const padded = [...data, ...new Array<number>((4 - (data.length % 4)) % 4).fill(0)];
    body.push(...padded);
    at += padded.length;
  }
  return Uint8Array.from([...out, ...body]);
}

function glyphRecords(font: Uint8Array): Uint8Array[] {
  const r = new SfntReader(font);
  const t = r.tables();
  const head = t.get('head')!;
  const loca = t.get('loca')!;
  const glyf = t.get('glyf')!;
  const n = r.u16(t.get('maxp')!.offset + 4);
  const long = r.u16(head.offset + 50) === 1;
  const off = (i: number): number =>
    long ? r.u32(loca.offset + 4 * i) : r.u16(loca.offset + 2 * i) * 2;
  return Array.from({ length: n }, (_, i) =>
    font.subarray(glyf.offset + off(i), glyf.offset + off(i + 1)),
  );
}

describe('evenGlyphs', () => {
  it('pads odd glyph records, keeps their bytes, and leaves an all-even font alone', () => {
    const font = syntheticFont([3, 0, 10, 7, 1]);
    const fixed = evenGlyphs(font);
    const before = glyphRecords(font);
    const after = glyphRecords(fixed);
    expect(after.map((g) => g.length)).toEqual([4, 0, 10, 8, 2]);
    after.forEach((g, i) => expect([...g.subarray(0, before[i]!.length)]).toEqual([...before[i]!]));
    const even = syntheticFont([2, 4, 0]);
    expect(evenGlyphs(even)).toBe(even);
  });

  it('refuses a loca pointing outside glyf', () => {
    const font = syntheticFont([4, 4]);
    const loca = new SfntReader(font).tables().get('loca')!;
    font.set(be(0xffff, 4), loca.offset + 8);
    expect(() => evenGlyphs(font)).toThrow(FormsError);
  });

  it('refuses a head table too short for the fields it reads and writes', () => {
    // fast-check's counterexample (seed 447821338): the head record's length set to 0.
    const font = syntheticFont([3, 5, 2, 9]);
    font[43] = 0;
    expect(() => evenGlyphs(font)).toThrow(/head table is too short/);
    expect(() => evenGlyphs(font)).toThrow(expect.objectContaining({ code: 'forms/font-invalid' }));
  });

  it('refuses a font that lists one table twice', () => {
    const font = syntheticFont([3, 5]);
    font.set(
      [...'glyf'].map((c) => c.charCodeAt(0)),
      12 + 16 * 2,
    ); // the loca record becomes a second glyf
    expect(() => evenGlyphs(font)).toThrow(expect.objectContaining({ code: 'forms/font-invalid' }));
  });

  it('never throws anything but forms/font-invalid, whatever the bytes', () => {
    const font = syntheticFont([3, 5, 2, 9]);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(font.length - 1), fc.integer({ min: 0, max: 255 })), {
          maxLength: 6,
        }),
        fc.nat(font.length),
        (edits, cut) => {
          const bytes = Uint8Array.from(font.subarray(0, cut));
          for (const [at, v] of edits) if (at < bytes.length) bytes[at] = v;
          try {
            evenGlyphs(bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(FormsError);
            expect((error as FormsError).code).toBe('forms/font-invalid');
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('makes fontkit subsets of IPAmj Mincho keep every glyph outline', async () => {
    const original = fontkit.create(readFileSync(DEFAULT_FONT_FILES.name));
    const repaired = fontkit.create(evenGlyphs(readFileSync(DEFAULT_FONT_FILES.name)));
    const chars = [...'東目京号渡邉昭和'];
    const subsetOf = async (font: typeof repaired): Promise<ReturnType<typeof fontkit.create>> => {
      const subset = font.createSubset();
      for (const c of chars) subset.includeGlyph(font.glyphForCodePoint(c.codePointAt(0)!));
      const parts: Uint8Array[] = [];
      await new Promise<void>((done) => {
        subset
          .encodeStream()
          .on('data', (d) => parts.push(d))
          .on('end', () => done());
      });
      return fontkit.create(Buffer.concat(parts));
    };
    const sub = await subsetOf(repaired);
    chars.forEach((c, i) => {
      const want = original.glyphForCodePoint(c.codePointAt(0)!).path.toSVG();
      expect(sub.getGlyph(i + 1).path.toSVG()).toBe(want);
    });
  });
});
