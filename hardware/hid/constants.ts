/**
 * USB HID facts for keyboard-wedge barcode scanners, once (style.md rule 5).
 * - Boot keyboard input report: Device Class Definition for HID 1.11, Appendix B.1: 8 bytes,
 *   modifier bits, a reserved byte, and up to six key usage ids pressed at once.
 * - Usage ids: HID Usage Tables 1.12, §10 "Keyboard/Keypad Page (0x07)".
 */

export const BOOT_REPORT_BYTES = 8;
export const KEYS_OFFSET = 2;

/** Modifier byte bits (HID 1.11 Appendix B.1; Usage Tables §10, usages 0xE0–0xE7). */
export const MODIFIER = {
  leftCtrl: 0x01,
  leftShift: 0x02,
  leftAlt: 0x04,
  leftGui: 0x08,
  rightCtrl: 0x10,
  rightShift: 0x20,
  rightAlt: 0x40,
  rightGui: 0x80,
} as const;
export const SHIFT_MASK = MODIFIER.leftShift | MODIFIER.rightShift;

/** Usage ids with a meaning of their own (Usage Tables §10). */
export const USAGE = {
  none: 0x00,
  /** ErrorRollOver: more keys than the report can hold; the report says nothing. */
  errorRollOver: 0x01,
  a: 0x04,
  z: 0x1d,
  digit1: 0x1e,
  digit0: 0x27,
  enter: 0x28,
  tab: 0x2b,
  space: 0x2c,
  keypadEnter: 0x58,
} as const;

/**
 * Characters by usage id on a US (ANSI) layout: [unshifted, shifted]. Letters and digits are
 * computed from their ranges; this table holds the rest.
 */
export const US_SYMBOLS: Readonly<Record<number, readonly [string, string]>> = {
  0x2c: [' ', ' '],
  0x2d: ['-', '_'],
  0x2e: ['=', '+'],
  0x2f: ['[', '{'],
  0x30: [']', '}'],
  0x31: ['\\', '|'],
  0x32: ['#', '~'],
  0x33: [';', ':'],
  0x34: ["'", '"'],
  0x35: ['`', '~'],
  0x36: [',', '<'],
  0x37: ['.', '>'],
  0x38: ['/', '?'],
};
export const US_SHIFTED_DIGITS = '!@#$%^&*()';

/** The JIS (106/109-key) layout differs in symbols; scanners set to "Japanese keyboard" use it. */
export const JIS_SYMBOLS: Readonly<Record<number, readonly [string, string]>> = {
  0x2c: [' ', ' '],
  0x2d: ['-', '='],
  0x2e: ['^', '~'],
  0x2f: ['@', '`'],
  0x30: ['[', '{'],
  0x31: [']', '}'],
  0x32: [']', '}'],
  0x33: [';', '+'],
  0x34: [':', '*'],
  0x36: [',', '<'],
  0x37: ['.', '>'],
  0x38: ['/', '?'],
  0x87: ['\\', '_'], // International1 (ろ)
  0x89: ['\\', '|'], // International3 (¥): the yen key types 0x5C
};
/** Shift + 0 types nothing on a JIS keyboard. */
export const JIS_SHIFTED_DIGITS = '!"#$%&\'()';

/** Keypad with Num Lock on (Usage Tables §10, 0x54–0x63). */
export const KEYPAD: Readonly<Record<number, string>> = {
  0x54: '/',
  0x55: '*',
  0x56: '-',
  0x57: '+',
  0x59: '1',
  0x5a: '2',
  0x5b: '3',
  0x5c: '4',
  0x5d: '5',
  0x5e: '6',
  0x5f: '7',
  0x60: '8',
  0x61: '9',
  0x62: '0',
  0x63: '.',
};
