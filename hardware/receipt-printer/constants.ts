/**
 * The ESC/POS subset Kazasu uses, once (style.md rule 5). Source: Epson "ESC/POS Command
 * Reference" (TM-T88 / TM-T20 series, Japanese models), the sections named per command.
 */

export const ESC = 0x1b;
export const GS = 0x1d;
export const FS = 0x1c;
export const DLE = 0x10;
export const EOT = 0x04;
export const LF = 0x0a;
export const CR = 0x0d;

/** ESC @ "Initialize printer": clears the buffer and every mode. */
export const INITIALIZE = Uint8Array.of(ESC, 0x40);
/** FS & "Select Kanji character mode" / FS . "Cancel Kanji character mode". */
export const KANJI_ON = Uint8Array.of(FS, 0x26);
export const KANJI_OFF = Uint8Array.of(FS, 0x2e);
/** FS C n "Select Kanji character code system": n = 0/48 JIS, 1/49 Shift_JIS. */
export const KANJI_CODE_SYSTEM = { jis: 0x00, shiftJis: 0x01 } as const;
export const SELECT_KANJI_CODE = (n: number): Uint8Array => Uint8Array.of(FS, 0x43, n);
/** ESC t n "Select character code table": page 1 is Katakana (half-width kana 0xA1–0xDF). */
export const CODE_TABLE_KATAKANA = 0x01;
export const SELECT_CODE_TABLE = (n: number): Uint8Array => Uint8Array.of(ESC, 0x74, n);
/** ESC a n "Select justification": 0 left, 1 centred, 2 right. */
export const JUSTIFY = { left: 0, center: 1, right: 2 } as const;
/** ESC E n "Turn emphasized mode on/off". */
export const EMPHASIS = 0x45;
/** GS ! n "Select character size": high nibble width ×, low nibble height × (0 = 1×). */
export const CHARACTER_SIZE = 0x21;
export const DOUBLE_SIZE = 0x11;
/** ESC d n "Print and feed n lines". */
export const FEED_LINES = 0x64;
/** GS V "Select cut mode and cut paper": function A m = 0/48 full, 1/49 partial; function B
 * m = 65 full, 66 partial, each after feeding to the cutter plus n motion units. */
export const CUT = 0x56;
export const CUT_FULL_A = [0x00, 0x30] as const;
export const CUT_PARTIAL_A = [0x01, 0x31] as const;
export const CUT_FULL_B = 0x41;
export const CUT_PARTIAL_B = 0x42;
/** Feed before a function B cut, in vertical motion units (the blank the tear-off needs). */
export const CUT_FEED_UNITS = 0x03;

/** DLE EOT n "Transmit real-time status" (processed at once, even while offline). */
export const STATUS_REQUEST = {
  printer: 1,
  offlineCause: 2,
  errorCause: 3,
  paperSensor: 4,
} as const;
export const REQUEST_STATUS = (n: number): Uint8Array => Uint8Array.of(DLE, EOT, n);

/** Every status byte has bit 1 and bit 4 set and bits 0 and 7 clear. */
export const STATUS_FIXED_MASK = 0x93;
export const STATUS_FIXED_BITS = 0x12;
/** n = 1: bit 3 offline. */
export const PRINTER_OFFLINE = 0x08;
/** n = 2: bit 2 cover open, bit 3 paper fed by the button, bit 5 stopped by paper end, bit 6 error. */
export const OFFLINE_COVER_OPEN = 0x04;
export const OFFLINE_FEED_BUTTON = 0x08;
export const OFFLINE_PAPER_END = 0x20;
export const OFFLINE_ERROR = 0x40;
/** n = 3: bit 3 autocutter error, bit 5 unrecoverable, bit 6 auto-recoverable. */
export const ERROR_CUTTER = 0x08;
export const ERROR_UNRECOVERABLE = 0x20;
export const ERROR_AUTO_RECOVERABLE = 0x40;
/** n = 4: bits 2–3 paper near end, bits 5–6 paper end. */
export const PAPER_NEAR_END = 0x0c;
export const PAPER_END = 0x60;

/** 80 mm paper, font A (12 × 24 dots): 48 half-width columns; 58 mm paper: 32. */
export const COLUMNS_80MM = 48;
export const COLUMNS_58MM = 32;

/** The usual serial settings of an Epson TM series receipt printer. */
export const DEFAULT_BAUD_RATE = 38_400;
