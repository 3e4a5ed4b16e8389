/**
 * Text as glyphs see it, and line fitting, pure. A cluster is one base code point with the
 * variation selector that follows it (UTS #37: an Ideographic Variation Sequence picks one
 * glyph, so base and selector are never split, measured apart or wrapped apart). Surrogate
 * pairs are one code point (𠮷 U+20BB7). Widths come from an injected measure, in em.
 */

export interface Cluster {
  readonly text: string;
  readonly base: number;
  /** U+FE00–FE0F (standardized variation sequences) or U+E0100–E01EF (IVS). */
  readonly selector?: number;
}

export function isVariationSelector(cp: number): boolean {
  return (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef);
}

/** 'U+20BB7'; a sequence as 'U+9089 U+E0110'. */
export function codePointLabel(cluster: Cluster): string {
  const hex = (cp: number): string => `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return cluster.selector === undefined
    ? hex(cluster.base)
    : `${hex(cluster.base)} ${hex(cluster.selector)}`;
}

/**
 * Splits text into clusters. A selector with nothing to select (at the start, after another
 * selector or a line break) is a cluster of its own, so preflight flags it rather than dropping it.
 */
export function toClusters(text: string): Cluster[] {
  const out: Cluster[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    const last = out[out.length - 1];
    if (
      isVariationSelector(cp) &&
      last &&
      last.selector === undefined &&
      !isSelectorOrBreak(last.base)
    ) {
      out[out.length - 1] = { text: last.text + ch, base: last.base, selector: cp };
    } else {
      out.push({ text: ch, base: cp });
    }
  }
  return out;
}

function isSelectorOrBreak(cp: number): boolean {
  return isVariationSelector(cp) || cp === 0x0a;
}

/** Characters a Japanese line may not start with (JIS X 4051 行頭禁則, the usual subset). */
const NO_LINE_START = new Set([
  ...'、。，．,.)）」』】〕〉》］｝・：；:;!?！？ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々ゝゞヽヾ',
]);
const SPACES = new Set([0x20, 0x3000]);
const isWordChar = (cp: number): boolean =>
  (cp >= 0x30 && cp <= 0x39) ||
  (cp >= 0x41 && cp <= 0x5a) ||
  (cp >= 0x61 && cp <= 0x7a) ||
  (cp >= 0xc0 && cp <= 0x24f) ||
  cp === 0x27 ||
  cp === 0x2d;

export type Measure = (cluster: Cluster) => number;

/** Breaks one paragraph into lines no wider than `maxEm`, greedily, with 禁則 and word breaks. */
function wrapParagraph(clusters: readonly Cluster[], maxEm: number, measure: Measure): Cluster[][] {
  const lines: Cluster[][] = [];
  let line: Cluster[] = [];
  let width = 0;
  for (const c of clusters) {
    const w = measure(c);
    if (line.length > 0 && width + w > maxEm + 1e-9) {
      let carry: Cluster[] = [];
      if (isWordChar(c.base) && isWordChar((line[line.length - 1] as Cluster).base)) {
        // Inside a Latin word (a foreign resident's name): break at the last space, if any.
        const space = findLastIndex(line, (x) => SPACES.has(x.base));
        if (space > 0) carry = line.splice(space + 1);
      } else if (NO_LINE_START.has(c.text) && line.length > 1) {
        carry = line.splice(line.length - 1);
      }
      while (line.length > 1 && SPACES.has((line[line.length - 1] as Cluster).base)) line.pop();
      lines.push(line);
      line = carry;
      width = carry.reduce((s, x) => s + measure(x), 0);
      if (line.length === 0 && SPACES.has(c.base)) continue; // no line starts with a space
    }
    line.push(c);
    width += w;
  }
  lines.push(line);
  return lines;
}

function findLastIndex<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i -= 1) if (test(items[i] as T)) return i;
  return -1;
}

export function wrap(text: string, maxEm: number, measure: Measure): Cluster[][] {
  return text.split('\n').flatMap((p) => wrapParagraph(toClusters(p), maxEm, measure));
}

export interface FitRequest {
  readonly text: string;
  /** Box in points. */
  readonly width: number;
  readonly height: number;
  readonly size: number;
  readonly minSize: number;
  readonly maxLines: number;
}

export interface FitResult {
  readonly size: number;
  readonly lines: readonly (readonly Cluster[])[];
  /** False when the text needs more lines than the box holds even at minSize. */
  readonly fits: boolean;
}

/** Line pitch as a multiple of the font size (a common value for Japanese forms). */
export const LINE_HEIGHT = 1.25;
const SIZE_STEP = 0.5;

export function widthEm(line: readonly Cluster[], measure: Measure): number {
  return line.reduce((s, c) => s + measure(c), 0);
}

/**
 * The largest size from `size` down to `minSize` (in 0.5 pt steps) at which the text wraps
 * into the lines the box holds. When none does, the text at minSize, with `fits: false`.
 */
export function fitText(request: FitRequest, measure: Measure): FitResult {
  const { text, width, height, maxLines } = request;
  const minSize = Math.min(request.minSize, request.size);
  const sizes: number[] = [];
  for (let size = request.size; size > minSize + 1e-9; size -= SIZE_STEP) sizes.push(size);
  sizes.push(minSize);
  for (const size of sizes) {
    const lines = wrap(text, width / size, measure);
    const room = Math.max(
      1,
      Math.min(maxLines, Math.floor((height + 1e-6) / (size * LINE_HEIGHT))),
    );
    const tooWide = lines.some((l) => widthEm(l, measure) * size > width + 1e-6);
    if (lines.length <= room && !tooWide) return { size, lines, fits: true };
  }
  return { size: minSize, lines: wrap(text, width / minSize, measure), fits: false };
}
