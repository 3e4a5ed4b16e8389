/**
 * ESC/POS: a receipt (typed lines) to printer bytes, and printer bytes back to what they do
 * (for the simulator and tests). Japanese text goes in Kanji mode with the Shift_JIS code
 * system, so one Shift_JIS byte is one half-width column and a double-byte character two.
 * Pure; the parser takes a byte stream in any chunks.
 */
import { concatBytes } from '../../shared/bytes.ts';
import { encodeShiftJisLossy } from '../../shared/shift-jis.ts';
import {
  CHARACTER_SIZE,
  CODE_TABLE_KATAKANA,
  CR,
  CUT,
  CUT_FEED_UNITS,
  CUT_FULL_B,
  CUT_PARTIAL_B,
  DLE,
  DOUBLE_SIZE,
  EMPHASIS,
  EOT,
  ESC,
  FEED_LINES,
  FS,
  GS,
  INITIALIZE,
  JUSTIFY,
  KANJI_CODE_SYSTEM,
  KANJI_ON,
  LF,
  SELECT_CODE_TABLE,
  SELECT_KANJI_CODE,
} from './constants.ts';

export type Justification = keyof typeof JUSTIFY;

export type ReceiptLine =
  | {
      readonly kind: 'text';
      readonly text: string;
      readonly align?: Justification;
      readonly bold?: boolean;
      readonly double?: boolean;
    }
  | { readonly kind: 'feed'; readonly lines: number }
  | { readonly kind: 'cut'; readonly partial?: boolean };

export interface Receipt {
  readonly lines: readonly ReceiptLine[];
}

/** Half-width columns `text` takes on the printer: its Shift_JIS length. */
export function columnsOf(text: string): number {
  return encodeShiftJisLossy(text).length;
}

/** Splits `text` into lines of at most `columns` half-width columns, never inside a character. */
export function wrapColumns(text: string, columns: number): string[] {
  const lines: string[] = [];
  let line = '';
  let width = 0;
  for (const ch of text) {
    const w = columnsOf(ch);
    if (width + w > columns && line !== '') {
      lines.push(line);
      line = '';
      width = 0;
    }
    line += ch;
    width += w;
  }
  lines.push(line);
  return lines;
}

/** The bytes that print `receipt`: initialise, Kanji mode in Shift_JIS, the lines, the cut. */
export function encodeReceipt(receipt: Receipt): Uint8Array {
  const parts: Uint8Array[] = [
    INITIALIZE,
    SELECT_CODE_TABLE(CODE_TABLE_KATAKANA),
    SELECT_KANJI_CODE(KANJI_CODE_SYSTEM.shiftJis),
    KANJI_ON,
  ];
  for (const line of receipt.lines) {
    switch (line.kind) {
      case 'text':
        parts.push(
          Uint8Array.of(ESC, 0x61, JUSTIFY[line.align ?? 'left']),
          Uint8Array.of(ESC, EMPHASIS, line.bold ? 1 : 0),
          Uint8Array.of(GS, CHARACTER_SIZE, line.double ? DOUBLE_SIZE : 0),
          // A printer has no glyph for what Shift_JIS cannot carry: 〓, as on paper forms.
          encodeShiftJisLossy(line.text.replace(/[\r\n]/g, ' ')),
          Uint8Array.of(LF),
        );
        break;
      case 'feed':
        parts.push(Uint8Array.of(ESC, FEED_LINES, Math.max(0, Math.min(255, line.lines))));
        break;
      case 'cut':
        parts.push(
          Uint8Array.of(
            GS,
            CUT,
            line.partial === false ? CUT_FULL_B : CUT_PARTIAL_B,
            CUT_FEED_UNITS,
          ),
        );
        break;
    }
  }
  return concatBytes(...parts);
}

/** What a run of printer bytes does. */
export type EscPosOp =
  | { readonly op: 'init' }
  | { readonly op: 'text'; readonly bytes: Uint8Array }
  | { readonly op: 'line-feed' }
  | { readonly op: 'feed'; readonly lines: number }
  | { readonly op: 'cut'; readonly partial: boolean }
  | { readonly op: 'kanji'; readonly on: boolean }
  | { readonly op: 'kanji-code'; readonly system: 'jis' | 'shift_jis' }
  | { readonly op: 'code-table'; readonly page: number }
  | { readonly op: 'justify'; readonly align: number }
  | { readonly op: 'emphasis'; readonly on: boolean }
  | { readonly op: 'size'; readonly n: number }
  | { readonly op: 'status-request'; readonly n: number }
  | { readonly op: 'unknown'; readonly bytes: Uint8Array };

/** Bytes after the command byte(s) for the commands that take a parameter. */
const ESC_ARGS: Readonly<Record<number, number>> = {
  0x40: 0, // @ initialise
  0x61: 1, // a justification
  0x45: 1, // E emphasis
  0x64: 1, // d feed lines
  0x74: 1, // t code table
  0x21: 1, // ! print mode
  0x4a: 1, // J feed dots
  0x4d: 1, // M font
  0x2d: 1, // - underline
};
const FS_ARGS: Readonly<Record<number, number>> = { 0x26: 0, 0x2e: 0, 0x43: 1, 0x21: 1 };
const GS_ARGS: Readonly<Record<number, number>> = { 0x21: 1, 0x42: 1 };

/** Printer bytes to operations, across chunk boundaries. */
export class EscPosParser {
  private pending = new Uint8Array(0);

  push(chunk: Uint8Array): EscPosOp[] {
    const all = concatBytes(this.pending, chunk);
    const ops: EscPosOp[] = [];
    let at = 0;
    while (at < all.length) {
      const used = this.parseOne(all, at, ops);
      if (used === 0) break; // an unfinished command: wait for more bytes
      at += used;
    }
    this.pending = all.slice(at);
    return ops;
  }

  /** Parses the command or text run at `at`; returns the bytes used, 0 when incomplete. */
  private parseOne(b: Uint8Array, at: number, ops: EscPosOp[]): number {
    const first = b[at] as number;
    const need = (n: number): boolean => at + n <= b.length;
    const emit = (op: EscPosOp, used: number): number => {
      ops.push(op);
      return used;
    };
    if (first === LF) return emit({ op: 'line-feed' }, 1);
    if (first === CR) return 1;
    if (first === DLE) {
      if (!need(3)) return 0;
      if (b[at + 1] === EOT) return emit({ op: 'status-request', n: b[at + 2] as number }, 3);
      return emit({ op: 'unknown', bytes: b.slice(at, at + 2) }, 2);
    }
    if (first === ESC || first === FS || first === GS) {
      if (!need(2)) return 0;
      const cmd = b[at + 1] as number;
      if (first === GS && cmd === CUT) {
        if (!need(3)) return 0;
        const m = b[at + 2] as number;
        const withFeed = m === CUT_FULL_B || m === CUT_PARTIAL_B;
        if (withFeed && !need(4)) return 0;
        ops.push({ op: 'cut', partial: m === 1 || m === 0x31 || m === CUT_PARTIAL_B });
        return withFeed ? 4 : 3;
      }
      const table = first === ESC ? ESC_ARGS : first === FS ? FS_ARGS : GS_ARGS;
      const args = table[cmd];
      if (args === undefined) return emit({ op: 'unknown', bytes: b.slice(at, at + 2) }, 2);
      if (!need(2 + args)) return 0;
      const n = b[at + 2] ?? 0;
      ops.push(commandOp(first, cmd, n) ?? { op: 'unknown', bytes: b.slice(at, at + 2 + args) });
      return 2 + args;
    }
    let end = at;
    while (end < b.length && ![LF, CR, DLE, ESC, FS, GS].includes(b[end] as number)) end += 1;
    ops.push({ op: 'text', bytes: b.slice(at, end) });
    return end - at;
  }
}

function commandOp(prefix: number, cmd: number, n: number): EscPosOp | undefined {
  if (prefix === ESC) {
    if (cmd === 0x40) return { op: 'init' };
    if (cmd === 0x61) return { op: 'justify', align: n % 48 };
    if (cmd === EMPHASIS) return { op: 'emphasis', on: (n & 1) === 1 };
    if (cmd === FEED_LINES) return { op: 'feed', lines: n };
    if (cmd === 0x74) return { op: 'code-table', page: n };
    return undefined;
  }
  if (prefix === FS) {
    if (cmd === 0x26) return { op: 'kanji', on: true };
    if (cmd === 0x2e) return { op: 'kanji', on: false };
    if (cmd === 0x43) return { op: 'kanji-code', system: n % 48 === 1 ? 'shift_jis' : 'jis' };
    return undefined;
  }
  if (cmd === CHARACTER_SIZE) return { op: 'size', n };
  return undefined;
}
