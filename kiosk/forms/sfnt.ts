/**
 * Reading and one repair of TrueType/OpenType files (OpenType spec: "Font file" table
 * directory, `head`, `maxp`, `loca`, `glyf`), pure. Every read is bounds-checked: a malformed
 * font throws `forms/font-invalid` with the offset, never anything else.
 *
 * The repair: IPAmj Mincho stores glyph records of odd length in a long (32-bit) `loca`. When
 * fontkit subsets a font (@pdf-lib/fontkit 1.1.1 TTFSubset) and the subset's glyph data is under
 * 128 KB, it writes a short `loca`, which stores offset / 2: every glyph after an odd-length one
 * then points one byte early and prints as nothing. `evenGlyphs` pads each glyph record to an even
 * length once, when the font is loaded, so any subset's offsets stay exact.
 */
import { FormsError } from './errors.ts';

export interface TableRecord {
  readonly tag: string;
  readonly offset: number;
  readonly length: number;
}

const TRUETYPE = 0x0001_0000;
const OPEN_TYPE_CFF = 0x4f54_544f; // 'OTTO'
const APPLE_TRUE = 0x7472_7565; // 'true'
const TABLE_RECORD = 16;
const DIRECTORY_HEADER = 12;
const HEAD_INDEX_TO_LOC_FORMAT = 50;
const HEAD_CHECKSUM_ADJUSTMENT = 8;
const MAXP_NUM_GLYPHS = 4;

export class SfntReader {
  constructor(readonly bytes: Uint8Array) {}

  need(at: number, length: number, what: string): void {
    if (
      !Number.isSafeInteger(at) ||
      !Number.isSafeInteger(length) ||
      at < 0 ||
      length < 0 ||
      at + length > this.bytes.length
    ) {
      throw new FormsError('forms/font-invalid', `the font's ${what} runs past its end`, {
        details: { offset: at, length, what },
      });
    }
  }

  u8(at: number): number {
    this.need(at, 1, 'data');
    return this.bytes[at] as number;
  }

  u16(at: number): number {
    this.need(at, 2, 'data');
    return ((this.bytes[at] as number) << 8) | (this.bytes[at + 1] as number);
  }

  u24(at: number): number {
    return this.u16(at) * 256 + this.u8(at + 2);
  }

  u32(at: number): number {
    return this.u16(at) * 65_536 + this.u16(at + 2);
  }

  /** The table directory: every table with its place, checked to lie inside the file. */
  tables(): Map<string, TableRecord> {
    const version = this.u32(0);
    if (version !== TRUETYPE && version !== OPEN_TYPE_CFF && version !== APPLE_TRUE) {
      throw new FormsError('forms/font-invalid', 'not a TrueType/OpenType font (or a collection)', {
        details: { offset: 0 },
      });
    }
    const count = this.u16(4);
    this.need(DIRECTORY_HEADER, count * TABLE_RECORD, 'table directory');
    const out = new Map<string, TableRecord>();
    for (let i = 0; i < count; i += 1) {
      const rec = DIRECTORY_HEADER + i * TABLE_RECORD;
      const tag = String.fromCharCode(...this.bytes.subarray(rec, rec + 4));
      const t = { tag, offset: this.u32(rec + 8), length: this.u32(rec + 12) };
      this.need(t.offset, t.length, `${tag} table`);
      if (out.has(tag)) {
        throw new FormsError('forms/font-invalid', `the font lists its ${tag} table twice`, {
          details: { offset: rec, what: tag },
        });
      }
      out.set(tag, t);
    }
    return out;
  }
}

/** The font with every glyph record padded to an even length; the same bytes when none is odd. */
export function evenGlyphs(font: Uint8Array): Uint8Array {
  const r = new SfntReader(font);
  const tables = r.tables();
  const head = tables.get('head');
  const maxp = tables.get('maxp');
  const loca = tables.get('loca');
  const glyf = tables.get('glyf');
  if (!head || !maxp || !loca || !glyf) return font; // CFF outlines: nothing to repair
  inside(head, HEAD_INDEX_TO_LOC_FORMAT + 2);
  inside(maxp, MAXP_NUM_GLYPHS + 2);
  const long = r.u16(head.offset + HEAD_INDEX_TO_LOC_FORMAT) === 1;
  const glyphs = r.u16(maxp.offset + MAXP_NUM_GLYPHS);
  const width = long ? 4 : 2;
  inside(loca, (glyphs + 1) * width);
  const offsets: number[] = [];
  for (let i = 0; i <= glyphs; i += 1) {
    offsets.push(long ? r.u32(loca.offset + i * 4) : r.u16(loca.offset + i * 2) * 2);
  }
  let odd = false;
  for (let i = 0; i < glyphs; i += 1) {
    const length = (offsets[i + 1] as number) - (offsets[i] as number);
    if (length < 0 || (offsets[i + 1] as number) > glyf.length) {
      throw new FormsError('forms/font-invalid', 'the loca table points outside glyf', {
        details: { glyph: i },
      });
    }
    if (length % 2 === 1) odd = true;
  }
  if (!odd) return font;

  const padded = offsets
    .slice(0, -1)
    .reduce((s, o, i) => s + (((offsets[i + 1] as number) - o + 1) & ~1), 0);
  const newGlyf = new Uint8Array(padded);
  const newLoca = new Uint8Array((glyphs + 1) * 4);
  const locaView = new DataView(newLoca.buffer);
  let at = 0;
  for (let i = 0; i < glyphs; i += 1) {
    locaView.setUint32(i * 4, at);
    const from = glyf.offset + (offsets[i] as number);
    const length = (offsets[i + 1] as number) - (offsets[i] as number);
    newGlyf.set(font.subarray(from, from + length), at);
    at += (length + 1) & ~1;
  }
  locaView.setUint32(glyphs * 4, at);
  const newHead = Uint8Array.from(font.subarray(head.offset, head.offset + head.length));
  new DataView(newHead.buffer).setUint16(HEAD_INDEX_TO_LOC_FORMAT, 1);
  new DataView(newHead.buffer).setUint32(HEAD_CHECKSUM_ADJUSTMENT, 0);
  const replaced = new Map<string, Uint8Array>([
    ['glyf', newGlyf],
    ['loca', newLoca],
    ['head', newHead],
  ]);
  return rebuild(font, [...tables.values()], replaced);
}

/** A table too short for the fields read from it is as malformed as one past the file's end. */
function inside(table: TableRecord, length: number): void {
  if (table.length < length) {
    throw new FormsError('forms/font-invalid', `the font's ${table.tag} table is too short`, {
      details: { offset: table.offset, length: table.length, what: table.tag },
    });
  }
}

/**
 * A new sfnt with the same tables in the same directory order, 4-byte aligned. Untouched tables
 * keep their checksums; rebuilt ones get 0: the font lives only in memory for fontkit, which,
 * like FreeType, does not check them, and the subsets fontkit writes into PDFs carry their own.
 * (Summing the 46 MB glyf would double the load time.)
 */
function rebuild(
  font: Uint8Array,
  records: readonly TableRecord[],
  replaced: ReadonlyMap<string, Uint8Array>,
): Uint8Array {
  const data = records.map(
    (t) => replaced.get(t.tag) ?? font.subarray(t.offset, t.offset + t.length),
  );
  const directory = DIRECTORY_HEADER + records.length * TABLE_RECORD;
  const total = data.reduce((s, d) => s + ((d.length + 3) & ~3), directory);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(font.subarray(0, DIRECTORY_HEADER), 0);
  let at = directory;
  records.forEach((t, i) => {
    const d = data[i] as Uint8Array;
    const rec = DIRECTORY_HEADER + i * TABLE_RECORD;
    out.set(font.subarray(rec, rec + 8), rec); // tag and original checksum
    if (replaced.has(t.tag)) view.setUint32(rec + 4, 0);
    view.setUint32(rec + 8, at);
    view.setUint32(rec + 12, d.length);
    out.set(d, at);
    at += (d.length + 3) & ~3;
  });
  return out;
}
