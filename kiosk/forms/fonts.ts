/**
 * The two fonts of a printed form, loaded once and shared by every render (a 46 MB IPAmj
 * Mincho takes ~100 ms to open; the kiosk does it at start-up, not per case).
 *
 * Which font sets a cluster: the field's own font if it has it, else the other one; a variation
 * sequence counts only where the font's cmap format 14 knows it (cmap14.ts). fontkit resolves
 * base + selector through that same table (@pdf-lib/fontkit 1.1.1 `glyphsForString`), so the
 * variant glyph is what pdf-lib embeds; for a sequence the font lacks, fontkit silently uses the
 * base glyph, which is why preflight flags that case (`variation-unsupported`) first.
 */
import { readFileSync } from 'node:fs';
import fontkit, { type Font } from '@pdf-lib/fontkit';
import type { FontRole } from '../../shared/contracts/forms.ts';
import { parseVariationSequences, type VariationSequences } from './cmap14.ts';
import { FormsError } from './errors.ts';
import { evenGlyphs } from './sfnt.ts';
import type { Cluster } from './text.ts';

/** Debian fonts-ipamj-mincho and fonts-ipaexfont-gothic. */
export const DEFAULT_FONT_FILES: Readonly<Record<FontRole, string>> = {
  name: '/usr/share/fonts/truetype/ipamj/ipamjm.ttf',
  label: '/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf',
};

/** Printed in place of a character no font has, once staff accepted that (〓 GETA MARK, the typesetter's sign for it). */
export const MISSING_GLYPH_MARK = '〓';

/**
 * No OpenType substitutions or positioning: a name prints exactly the code points given, and the
 * widths measured for fitting are the widths pdf-lib sets (IPAmj has `liga` and `ccmp`).
 */
export const NO_FEATURES = {
  ccmp: false,
  locl: false,
  rlig: false,
  mark: false,
  mkmk: false,
  calt: false,
  clig: false,
  liga: false,
  rclt: false,
  curs: false,
  kern: false,
} as const;

export interface LoadedFont {
  readonly role: FontRole;
  readonly bytes: Uint8Array;
  readonly font: Font;
  /** The font as pdf-lib is given it: the same font, laid out without shaping (see unshaped). */
  readonly forPdf: Font;
  readonly sequences: VariationSequences;
  readonly postscriptName: string;
}

/** `exact`: the font shows this cluster; `base-only`: it has the base but not the sequence. */
export type ClusterFont =
  | { readonly kind: 'exact'; readonly role: FontRole }
  | { readonly kind: 'base-only'; readonly role: FontRole }
  | { readonly kind: 'none' };

const OTHER: Readonly<Record<FontRole, FontRole>> = { name: 'label', label: 'name' };

export class FontSet {
  private readonly resolved = new Map<string, ClusterFont>();
  private readonly widths = new Map<string, number>();
  /** Layouts of templates' fixed texts, which are the same for every case (layout.ts Placer). */
  readonly fixedLayouts = new WeakMap<object, Map<number, unknown>>();

  constructor(readonly fonts: Readonly<Record<FontRole, LoadedFont>>) {}

  /** Opens both fonts from their bytes; `forms/font-invalid` when one is not a usable font. */
  static fromBytes(bytes: Readonly<Record<FontRole, Uint8Array>>): FontSet {
    return new FontSet({
      name: openFont('name', bytes.name),
      label: openFont('label', bytes.label),
    });
  }

  /** Which font sets the cluster when the field asks for `role`. */
  resolve(cluster: Cluster, role: FontRole): ClusterFont {
    const key = `${role}\u0000${cluster.text}`;
    let found = this.resolved.get(key);
    if (!found) {
      found = this.lookup(cluster, role);
      this.resolved.set(key, found);
    }
    return found;
  }

  /** The advance width, in em, of the cluster as it will be printed. */
  measure(cluster: Cluster, role: FontRole): number {
    const key = `${role}\u0000${cluster.text}`;
    let width = this.widths.get(key);
    if (width === undefined) {
      width = this.advance(cluster, this.resolve(cluster, role));
      this.widths.set(key, width);
    }
    return width;
  }

  private lookup(cluster: Cluster, role: FontRole): ClusterFont {
    const order = [this.fonts[role], this.fonts[OTHER[role]]];
    const { base, selector } = cluster;
    if (selector !== undefined) {
      for (const f of order) {
        const seq = f.sequences.lookup(base, selector);
        if (seq && (seq.kind === 'glyph' || f.font.hasGlyphForCodePoint(base)))
          return { kind: 'exact', role: f.role };
      }
      for (const f of order)
        if (f.font.hasGlyphForCodePoint(base)) return { kind: 'base-only', role: f.role };
      return { kind: 'none' };
    }
    for (const f of order)
      if (f.font.hasGlyphForCodePoint(base)) return { kind: 'exact', role: f.role };
    return { kind: 'none' };
  }

  private advance(cluster: Cluster, where: ClusterFont): number {
    if (where.kind === 'none') {
      const label = this.fonts.label.font;
      return (
        label.glyphForCodePoint(MISSING_GLYPH_MARK.codePointAt(0) as number).advanceWidth /
        label.unitsPerEm
      );
    }
    const f = this.fonts[where.role].font;
    const text = where.kind === 'exact' ? cluster.text : String.fromCodePoint(cluster.base);
    const glyphs = f.glyphsForString(text);
    return glyphs.reduce((s, g) => s + g.advanceWidth, 0) / f.unitsPerEm;
  }
}

/**
 * The font with `layout` answering fontkit's own cmap mapping (glyphsForString: base + variation
 * selector → one glyph) and nothing more. With NO_FEATURES fontkit's layout yields the same
 * glyphs after running its whole shaping pipeline, about 60 µs per string; pdf-lib calls it for
 * every drawText and reads only `glyphs`. So the PDF gets exactly the glyphs preflight and the
 * width measure saw, without the pipeline.
 */
function unshaped(font: Font): Font {
  const view = Object.create(font) as Font;
  Object.defineProperty(view, 'layout', {
    value: (text: string) => ({ glyphs: font.glyphsForString(text) }),
  });
  return view;
}

function openFont(role: FontRole, file: Uint8Array): LoadedFont {
  const bytes = evenGlyphs(file);
  let font: Font;
  try {
    font = fontkit.create(bytes);
  } catch (error) {
    throw new FormsError('forms/font-invalid', `the ${role} font is not a usable font`, {
      cause: error,
      details: { role },
    });
  }
  if (typeof font.hasGlyphForCodePoint !== 'function' || !(font.unitsPerEm > 0)) {
    throw new FormsError(
      'forms/font-invalid',
      `the ${role} font is a collection or has no outlines`,
      {
        details: { role },
      },
    );
  }
  return {
    role,
    bytes,
    font,
    forPdf: unshaped(font),
    sequences: parseVariationSequences(bytes),
    postscriptName: (font.postscriptName ?? role).replace(/[^A-Za-z0-9-]/g, ''),
  };
}

/** Reads and opens the fonts (default: the Debian IPA fonts). Do it once per process. */
export function loadFontSet(
  files: Readonly<Record<FontRole, string>> = DEFAULT_FONT_FILES,
): FontSet {
  const read = (role: FontRole): Uint8Array => {
    try {
      return readFileSync(files[role]);
    } catch (error) {
      throw new FormsError('forms/font-unreadable', `cannot read the ${role} font ${files[role]}`, {
        cause: error,
        details: { role, path: files[role] },
      });
    }
  };
  return FontSet.fromBytes({ name: read('name'), label: read('label') });
}
