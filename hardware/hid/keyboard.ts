/**
 * USB HID boot keyboard reports (HID 1.11 Appendix B.1) to typed keys, as a keyboard-wedge
 * barcode scanner sends them: a report per change, a key counts when it appears in a report
 * and was not in the one before (so "11" arrives as press, release, press), Shift comes in the
 * modifier byte. Pure; chunk boundaries in the byte stream mean nothing.
 */
import {
  BOOT_REPORT_BYTES,
  JIS_SHIFTED_DIGITS,
  JIS_SYMBOLS,
  KEYPAD,
  KEYS_OFFSET,
  SHIFT_MASK,
  US_SHIFTED_DIGITS,
  US_SYMBOLS,
  USAGE,
} from './constants.ts';

export const KEYBOARD_LAYOUTS = ['us', 'jis'] as const;
export type KeyboardLayout = (typeof KEYBOARD_LAYOUTS)[number];

export type Key =
  | { readonly kind: 'char'; readonly char: string }
  | { readonly kind: 'enter' }
  | { readonly kind: 'tab' }
  /** A key that types nothing we know (function keys, Shift+0 on JIS, …). */
  | { readonly kind: 'unmapped'; readonly usage: number; readonly shift: boolean };

export type ReportProblem = 'rollover' | 'report-invalid';

/** Re-frames a byte stream into fixed-length reports (an optional report id byte first). */
export class ReportSplitter {
  private pending = new Uint8Array(0);
  private readonly length: number;

  constructor(private readonly reportId?: number) {
    this.length = BOOT_REPORT_BYTES + (reportId === undefined ? 0 : 1);
  }

  push(chunk: Uint8Array): Uint8Array[] {
    const all = new Uint8Array(this.pending.length + chunk.length);
    all.set(this.pending);
    all.set(chunk, this.pending.length);
    const out: Uint8Array[] = [];
    let at = 0;
    for (; at + this.length <= all.length; at += this.length) {
      const r = all.subarray(at, at + this.length);
      out.push(this.reportId === undefined ? r.slice() : r.slice(1));
    }
    this.pending = all.slice(at);
    return out;
  }
}

function charFor(usage: number, shift: boolean, layout: KeyboardLayout): string | undefined {
  if (usage >= USAGE.a && usage <= USAGE.z) {
    const c = String.fromCharCode(0x61 + usage - USAGE.a);
    return shift ? c.toUpperCase() : c;
  }
  if (usage >= USAGE.digit1 && usage <= USAGE.digit0) {
    const i = usage - USAGE.digit1;
    if (!shift) return '1234567890'[i];
    const shifted = layout === 'jis' ? JIS_SHIFTED_DIGITS : US_SHIFTED_DIGITS;
    return shifted[i];
  }
  const keypad = KEYPAD[usage];
  if (keypad !== undefined) return keypad;
  const pair = (layout === 'jis' ? JIS_SYMBOLS : US_SYMBOLS)[usage];
  return pair ? pair[shift ? 1 : 0] : undefined;
}

/** Boot reports to keys, remembering which keys the previous report held. */
export class KeyboardDecoder {
  private held = new Set<number>();

  constructor(private readonly layout: KeyboardLayout = 'us') {}

  push(report: Uint8Array): { keys: Key[]; problems: ReportProblem[] } {
    if (report.length !== BOOT_REPORT_BYTES) return { keys: [], problems: ['report-invalid'] };
    const usages = [...report.subarray(KEYS_OFFSET)].filter((u) => u !== USAGE.none);
    // ErrorRollOver in the key slots: the state is unknown; keep the previous one.
    if (usages.includes(USAGE.errorRollOver)) return { keys: [], problems: ['rollover'] };
    const shift = ((report[0] ?? 0) & SHIFT_MASK) !== 0;
    const keys: Key[] = [];
    for (const usage of usages) {
      if (this.held.has(usage)) continue;
      if (usage === USAGE.enter || usage === USAGE.keypadEnter) keys.push({ kind: 'enter' });
      else if (usage === USAGE.tab) keys.push({ kind: 'tab' });
      else {
        const char = charFor(usage, shift, this.layout);
        keys.push(char === undefined ? { kind: 'unmapped', usage, shift } : { kind: 'char', char });
      }
    }
    this.held = new Set(usages);
    return { keys, problems: [] };
  }
}

/** The usage id and Shift state that type `char` on `layout`, if any key does. */
export function usageFor(
  char: string,
  layout: KeyboardLayout = 'us',
): { usage: number; shift: boolean } | undefined {
  if (char === '\n' || char === '\r') return { usage: USAGE.enter, shift: false };
  if (char === '\t') return { usage: USAGE.tab, shift: false };
  for (let usage: number = USAGE.a; usage <= 0x38; usage += 1) {
    if (usage === USAGE.enter || usage === USAGE.tab) continue;
    for (const shift of [false, true])
      if (charFor(usage, shift, layout) === char) return { usage, shift };
  }
  for (const usage of [0x87, 0x89]) {
    for (const shift of [false, true])
      if (charFor(usage, shift, layout) === char) return { usage, shift };
  }
  return undefined;
}

/**
 * The reports a scanner sends to type `text` and Enter: a press and a release per character.
 * Tests and the demo feed these to the scanner driver as the device would.
 */
export function reportsForText(
  text: string,
  options: { readonly layout?: KeyboardLayout; readonly enter?: boolean } = {},
): Uint8Array[] {
  const layout = options.layout ?? 'us';
  const reports: Uint8Array[] = [];
  const chars = [...text, ...(options.enter === false ? [] : ['\n'])];
  for (const c of chars) {
    const k = usageFor(c, layout);
    if (!k) throw new RangeError(`no key types ${JSON.stringify(c)} on a ${layout} keyboard`);
    const press = new Uint8Array(BOOT_REPORT_BYTES);
    press[0] = k.shift ? 0x02 : 0;
    press[KEYS_OFFSET] = k.usage;
    reports.push(press, new Uint8Array(BOOT_REPORT_BYTES));
  }
  return reports;
}
