import { existsSync, readFileSync } from 'node:fs';
import fontkit from '@pdf-lib/fontkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormsError } from './errors.ts';
import { parseVariationSequences } from './cmap14.ts';

const IPAMJ = '/usr/share/fonts/truetype/ipamj/ipamjm.ttf';

const be = (n: number, width: number): number[] =>
  Array.from({ length: width }, (_, i) => Math.floor(n / 256 ** (width - 1 - i)) % 256);

/** A minimal sfnt holding only a cmap with a (0, 5) format 14 subtable. */
function syntheticFont(
  selectors: { vs: number; ranges?: [number, number][]; glyphs?: [number, number][] }[],
): Uint8Array {
  const body: number[] = [];
  const records: number[] = [];
  const headerLength = 10 + selectors.length * 11;
  for (const s of selectors) {
    let defaultAt = 0;
    let nonDefaultAt = 0;
    if (s.ranges) {
      defaultAt = headerLength + body.length;
      body.push(...be(s.ranges.length, 4));
      for (const [start, extra] of s.ranges) body.push(...be(start, 3), extra);
    }
    if (s.glyphs) {
      nonDefaultAt = headerLength + body.length;
      body.push(...be(s.glyphs.length, 4));
      for (const [cp, gid] of s.glyphs) body.push(...be(cp, 3), ...be(gid, 2));
    }
    records.push(...be(s.vs, 3), ...be(defaultAt, 4), ...be(nonDefaultAt, 4));
  }
  const sub = [
    ...be(14, 2),
    ...be(headerLength + body.length, 4),
    ...be(selectors.length, 4),
    ...records,
    ...body,
  ];
  const cmap = [...be(0, 2), ...be(1, 2), ...be(0, 2), ...be(5, 2), ...be(12, 4), ...sub];
  const offsetTable = [...be(0x10000, 4), ...be(1, 2), 0, 16, 0, 0, 0, 0];
  const record = [
    ...[...'cmap'].map((c) => c.charCodeAt(0)),
    ...be(0, 4),
    ...be(28, 4),
    ...be(cmap.length, 4),
  ];
  return Uint8Array.from([...offsetTable, ...record, ...cmap]);
}

describe('cmap format 14', () => {
  const font = syntheticFont([
    { vs: 0xfe00, glyphs: [[0x4fae, 77]] },
    { vs: 0xe0100, ranges: [[0x845b, 0]], glyphs: [[0x9089, 12345]] },
  ]);

  it('tells default sequences, variant glyphs and unknown sequences apart', () => {
    const uvs = parseVariationSequences(font);
    expect(uvs.lookup(0x4fae, 0xfe00)).toEqual({ kind: 'glyph', glyphId: 77 });
    // U+E0100 has both tables here: fontkit 1.1.1 searches the non-default table only for code
    // points inside the default ranges, so it would miss this variant and print the base glyph.
    expect(uvs.lookup(0x9089, 0xe0100)).toEqual({ kind: 'glyph', glyphId: 12345 });
    expect(uvs.lookup(0x845b, 0xe0100)).toEqual({ kind: 'default' });
    expect(uvs.lookup(0x845b, 0xe0101)).toBeUndefined();
    expect(uvs.lookup(0x4fae, 0xe0100)).toBeUndefined();
    expect(uvs.size).toBe(3);
  });

  it('refuses what is not a font, and a truncated table, with forms/font-invalid', () => {
    for (const bad of [
      new Uint8Array(0),
      Uint8Array.of(0x74, 0x74, 0x63, 0x66, 0, 1, 0, 0),
      font.subarray(0, 60),
    ]) {
      expect(() => parseVariationSequences(bad)).toThrow(FormsError);
    }
  });

  it('never throws anything but FormsError, whatever the bytes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(font.length - 1), fc.integer({ min: 0, max: 255 })), {
          maxLength: 8,
        }),
        fc.nat(font.length),
        (edits, cut) => {
          const bytes = Uint8Array.from(font.subarray(0, Math.max(cut, 12)));
          for (const [at, v] of edits) if (at < bytes.length) bytes[at] = v;
          try {
            parseVariationSequences(bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(FormsError);
            expect((error as FormsError).code).toBe('forms/font-invalid');
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it.runIf(existsSync(IPAMJ))('reads IPAmj Mincho as fontkit does for its variant glyphs', () => {
    const bytes = readFileSync(IPAMJ);
    const uvs = parseVariationSequences(bytes);
    expect(uvs.size).toBeGreaterThan(10_000);
    expect(uvs.lookup(0x9089, 0xe0110)).toEqual({ kind: 'glyph', glyphId: 60580 });
    // 邉 U+E0100 is in the IVD but not in this font: fontkit would quietly print the base glyph.
    expect(uvs.lookup(0x9089, 0xe0100)).toBeUndefined();
    const font = fontkit.create(bytes);
    for (const [base, vs] of [
      [0x9089, 0xe0110],
      [0x845b, 0xe0102],
      [0x4fae, 0xfe00],
    ] as const) {
      const found = uvs.lookup(base, vs);
      const [glyph] = font.glyphsForString(String.fromCodePoint(base, vs));
      expect(found?.kind).toBe('glyph');
      expect(glyph?.id).toBe(found?.kind === 'glyph' ? found.glyphId : -1);
    }
  });
});
