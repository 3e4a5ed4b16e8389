/**
 * A Shift_JIS encoder, written by hand because Node has no Shift_JIS TextEncoder (WHATWG
 * encoders are UTF-8 only) and SIP2 checksums and ESC/POS Kanji mode both need the exact
 * bytes. The table is not copied from anywhere: it is built once, on first use, by asking the
 * platform's own `TextDecoder('shift_jis')` what every double-byte code means, so encoding is
 * by construction the inverse of the decoder the rest of the code uses.
 *
 * Choices follow the WHATWG Encoding Standard §13.3 "Shift_JIS encoder":
 * - where several codes decode to one character (NEC and IBM extensions), the lowest code
 *   wins, except that lead bytes 0xED–0xEE (NEC-selected IBM extensions, pointers 8272–8835)
 *   are used only when nothing else encodes the character;
 * - single bytes are the decoder's inverse too (ICU swaps a few control codes), plus
 *   U+00A5 ¥ → 0x5C and U+203E ‾ → 0x7E; U+2212 − is encoded as U+FF0D －;
 * - the user-defined area (lead bytes 0xF0–0xF9, decoded to the Private Use Area) is not
 *   encoded.
 * Pure apart from the lazily built, immutable table.
 */

/** What became of a string. `at` is the UTF-16 index of the first character with no code. */
export type ShiftJisResult =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly at: number; readonly codePoint: number };

/** 〓 (GETA MARK, 0x81AC): the customary stand-in for a character a printer cannot print. */
export const GETA_MARK = Uint8Array.of(0x81, 0xac);

const LEAD_RANGES: readonly (readonly [number, number])[] = [
  [0x81, 0x9f],
  [0xe0, 0xfc],
];
const TRAIL_RANGES: readonly (readonly [number, number])[] = [
  [0x40, 0x7e],
  [0x80, 0xfc],
];
/** WHATWG: pointers 8272–8835 (lead bytes 0xED–0xEE) are skipped by the encoder's index. */
const LAST_RESORT_LEADS = new Set([0xed, 0xee]);
const PUA_FIRST = 0xe000;
const PUA_LAST = 0xf8ff;

function expand(ranges: readonly (readonly [number, number])[]): number[] {
  const out: number[] = [];
  for (const [from, to] of ranges) for (let b = from; b <= to; b += 1) out.push(b);
  return out;
}

interface Tables {
  /** BMP code point → single byte; -1 where there is none. */
  readonly single: Int16Array;
  /** BMP code point → double-byte code (lead << 8 | trail); 0 where there is none. */
  readonly double: Uint16Array;
}

let tables: Tables | undefined;

/**
 * Single bytes, from the same decoder: ICU's Shift_JIS (the one Node ships) swaps some control
 * codes (0x1A, 0x1C, 0x7F) and refuses 0x80, so "ASCII maps to itself" would not be its inverse.
 */
function singleByteTable(): Int16Array {
  const single = new Int16Array(0x10000).fill(-1);
  const decoder = new TextDecoder('shift_jis', { fatal: true });
  const bytes = [...expand([[0x00, 0x7f]]), ...expand([[0xa1, 0xdf]])];
  for (const b of bytes) {
    let text: string;
    try {
      text = decoder.decode(Uint8Array.of(b));
    } catch {
      continue;
    }
    if (text.length === 1 && single[text.charCodeAt(0)] === -1) single[text.charCodeAt(0)] = b;
  }
  // WHATWG Shift_JIS encoder: YEN SIGN and OVERLINE go to the bytes JIS X 0201 gives them.
  if (single[0xa5] === -1) single[0xa5] = 0x5c;
  if (single[0x203e] === -1) single[0x203e] = 0x7e;
  return single;
}

function doubleByteTable(): Uint16Array {
  const leads = expand(LEAD_RANGES);
  const trails = expand(TRAIL_RANGES);
  const pairs: [number, number][] = [];
  for (const lead of leads) for (const trail of trails) pairs.push([lead, trail]);
  // One decode for all ~11,000 codes: each pair is followed by LF, which no pair decodes to,
  // so an undefined pair (decoded as U+FFFD, possibly followed by its ASCII trail byte) cannot
  // shift the pairs after it.
  const bytes = new Uint8Array(pairs.length * 3);
  pairs.forEach(([lead, trail], i) => {
    bytes[i * 3] = lead;
    bytes[i * 3 + 1] = trail;
    bytes[i * 3 + 2] = 0x0a;
  });
  const decoded = new TextDecoder('shift_jis').decode(bytes).split('\n');
  if (decoded.length !== pairs.length + 1) throw new Error('Shift_JIS table misaligned');
  const built = new Uint16Array(0x10000);
  const lastResort: [number, number][] = [];
  pairs.forEach(([lead, trail], i) => {
    const text = decoded[i] ?? '';
    if (text.length !== 1) return; // undefined code, or a non-BMP result (none exist)
    const cp = text.charCodeAt(0);
    if (cp === 0xfffd || (cp >= PUA_FIRST && cp <= PUA_LAST)) return;
    const code = (lead << 8) | trail;
    if (LAST_RESORT_LEADS.has(lead)) lastResort.push([cp, code]);
    else if (built[cp] === 0) built[cp] = code;
  });
  for (const [cp, code] of lastResort) if (built[cp] === 0) built[cp] = code;
  return built;
}

function getTables(): Tables {
  tables ??= { single: singleByteTable(), double: doubleByteTable() };
  return tables;
}

function encodeWith(text: string, replacement: Uint8Array | undefined): ShiftJisResult {
  const { single: singles, double: doubles } = getTables();
  const out = new Uint8Array(text.length * 2);
  let n = 0;
  for (let i = 0; i < text.length; i += 1) {
    let cp = text.codePointAt(i) as number;
    const width = cp > 0xffff ? 2 : 1;
    if (cp === 0x2212) cp = 0xff0d;
    const single = cp <= 0xffff ? (singles[cp] ?? -1) : -1;
    const double = single < 0 && cp <= 0xffff ? (doubles[cp] ?? 0) : 0;
    if (single >= 0) {
      out[n++] = single;
    } else if (double !== 0) {
      out[n++] = double >> 8;
      out[n++] = double & 0xff;
    } else if (replacement) {
      out.set(replacement.subarray(0, 2), n);
      n += Math.min(2, replacement.length);
    } else {
      return { ok: false, at: i, codePoint: cp };
    }
    i += width - 1;
  }
  return { ok: true, bytes: out.slice(0, n) };
}

/** Exact encoding, or where it fails: for protocols whose bytes must mean what was meant. */
export function encodeShiftJis(text: string): ShiftJisResult {
  return encodeWith(text, undefined);
}

/** Encoding that puts `replacement` (at most 2 bytes; 〓 by default) for what has no code. */
export function encodeShiftJisLossy(text: string, replacement: Uint8Array = GETA_MARK): Uint8Array {
  const r = encodeWith(text, replacement);
  return r.ok ? r.bytes : new Uint8Array(0);
}

const fatalDecoder = new TextDecoder('shift_jis', { fatal: true });
const lenientDecoder = new TextDecoder('shift_jis');

/** Decoding; `fatal` makes an ill-formed sequence return undefined instead of U+FFFD. */
export function decodeShiftJis(bytes: Uint8Array, fatal = false): string | undefined {
  try {
    return (fatal ? fatalDecoder : lenientDecoder).decode(bytes);
  } catch {
    return undefined;
  }
}
