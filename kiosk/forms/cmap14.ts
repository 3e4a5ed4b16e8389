/**
 * The variation sequences a font supports: its `cmap` subtable format 14 (OpenType spec, "cmap —
 * Character to Glyph Index Mapping Table", Format 14: Unicode Variation Sequences), pure.
 * fontkit reads this table too, but falls back to the base glyph without saying so when a
 * sequence is missing, so preflight asks this parser whether the font really has the variant.
 *
 * Every count is checked against the bytes before a loop runs on it; malformed tables throw
 * `forms/font-invalid` with the offset, never anything else.
 */
import { FormsError } from './errors.ts';
import { SfntReader } from './sfnt.ts';

/** Platform 0 (Unicode), encoding 5 (Unicode Variation Sequences): the only home of format 14. */
const UVS_PLATFORM = 0;
const UVS_ENCODING = 5;
const FORMAT_14 = 14;
const ENCODING_RECORD = 8;
const SELECTOR_RECORD = 11;
const RANGE_RECORD = 4;
const MAPPING_RECORD = 5;

/** `default`: the sequence is the base character's own glyph; `glyph`: a variant glyph. */
export type SequenceGlyph =
  { readonly kind: 'default' } | { readonly kind: 'glyph'; readonly glyphId: number };

interface SelectorTable {
  readonly ranges: readonly (readonly [number, number])[];
  readonly glyphs: ReadonlyMap<number, number>;
}

export class VariationSequences {
  constructor(private readonly bySelector: ReadonlyMap<number, SelectorTable>) {}

  /** What the font shows for base + selector, or undefined when it does not know the sequence. */
  lookup(base: number, selector: number): SequenceGlyph | undefined {
    const table = this.bySelector.get(selector);
    if (!table) return undefined;
    const glyphId = table.glyphs.get(base);
    if (glyphId !== undefined) return { kind: 'glyph', glyphId };
    return table.ranges.some(([from, to]) => base >= from && base <= to)
      ? { kind: 'default' }
      : undefined;
  }

  get size(): number {
    let n = 0;
    for (const t of this.bySelector.values()) {
      n += t.glyphs.size + t.ranges.reduce((s, [a, b]) => s + b - a + 1, 0);
    }
    return n;
  }
}

export function parseVariationSequences(font: Uint8Array): VariationSequences {
  const r = new SfntReader(font);
  const cmap = r.tables().get('cmap')?.offset;
  if (cmap === undefined) return new VariationSequences(new Map());
  const count = r.u16(cmap + 2);
  r.need(cmap + 4, count * ENCODING_RECORD, 'cmap encoding records');
  for (let i = 0; i < count; i += 1) {
    const rec = cmap + 4 + i * ENCODING_RECORD;
    if (r.u16(rec) === UVS_PLATFORM && r.u16(rec + 2) === UVS_ENCODING) {
      const sub = cmap + r.u32(rec + 4);
      if (r.u16(sub) !== FORMAT_14) {
        throw new FormsError('forms/font-invalid', 'the (0, 5) cmap subtable is not format 14', {
          details: { offset: sub },
        });
      }
      return new VariationSequences(parseFormat14(r, sub));
    }
  }
  return new VariationSequences(new Map());
}

function parseFormat14(r: SfntReader, sub: number): Map<number, SelectorTable> {
  const records = r.u32(sub + 6);
  r.need(sub + 10, records * SELECTOR_RECORD, 'variation selector records');
  const out = new Map<number, SelectorTable>();
  for (let i = 0; i < records; i += 1) {
    const rec = sub + 10 + i * SELECTOR_RECORD;
    const selector = r.u24(rec);
    const defaultAt = r.u32(rec + 3);
    const nonDefaultAt = r.u32(rec + 7);
    const ranges: [number, number][] = [];
    if (defaultAt !== 0) {
      const n = r.u32(sub + defaultAt);
      r.need(sub + defaultAt + 4, n * RANGE_RECORD, 'default UVS ranges');
      for (let k = 0; k < n; k += 1) {
        const at = sub + defaultAt + 4 + k * RANGE_RECORD;
        const start = r.u24(at);
        ranges.push([start, start + r.u8(at + 3)]);
      }
    }
    const glyphs = new Map<number, number>();
    if (nonDefaultAt !== 0) {
      const n = r.u32(sub + nonDefaultAt);
      r.need(sub + nonDefaultAt + 4, n * MAPPING_RECORD, 'non-default UVS mappings');
      for (let k = 0; k < n; k += 1) {
        const at = sub + nonDefaultAt + 4 + k * MAPPING_RECORD;
        glyphs.set(r.u24(at), r.u16(at + 3));
      }
    }
    out.set(selector, { ranges, glyphs });
  }
  return out;
}
