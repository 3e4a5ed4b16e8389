/**
 * Status words (ISO/IEC 7816-4 §5.6, Table 6) and the ones the My Number Card uses
 * (card-protocols.md "Status words"). One table; callers declare what they accept.
 */
export const SW = {
  OK: 0x9000,
  END_OF_FILE: 0x6282, // fewer bytes than Le: end of file reached
  VERIFY_FAILED: 0x63c0, // 63Cx: wrong PIN, x tries left (63C0: the try that exhausted it)
  WRONG_LENGTH: 0x6700,
  INCOMPATIBLE_FILE_STRUCTURE: 0x6981,
  SECURITY_NOT_SATISFIED: 0x6982,
  AUTH_BLOCKED: 0x6983,
  REFERENCE_DATA_BLOCKED: 0x6984, // the My Number Card's answer once a PIN is blocked
  CONDITIONS_NOT_SATISFIED: 0x6985,
  NO_CURRENT_EF: 0x6986,
  INCORRECT_DATA: 0x6a80,
  FUNCTION_NOT_SUPPORTED: 0x6a81,
  FILE_NOT_FOUND: 0x6a82,
  RECORD_NOT_FOUND: 0x6a83,
  WRONG_P1P2: 0x6a86,
  REFERENCE_NOT_FOUND: 0x6a88,
  WRONG_PARAMETERS: 0x6b00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
  NO_PRECISE_DIAGNOSIS: 0x6f00,
} as const;

/** SW1 values with a length in SW2, handled by the exchange layer (7816-4 §5.6). */
export const SW1_MORE_DATA = 0x61; // 61xx: xx more bytes, fetch with GET RESPONSE
export const SW1_WRONG_LE = 0x6c; // 6Cxx: resend the same command with Le = xx

const DESCRIPTIONS: ReadonlyMap<number, string> = new Map([
  [0x9000, 'success'],
  [0x6281, 'returned data may be corrupted'],
  [0x6282, 'end of file reached before Le bytes'],
  [0x6283, 'selected file deactivated'],
  [0x6581, 'memory failure'],
  [0x6700, 'wrong length'],
  [0x6881, 'logical channel not supported'],
  [0x6882, 'secure messaging not supported'],
  [0x6981, 'command incompatible with file structure'],
  [0x6982, 'security status not satisfied'],
  [0x6983, 'authentication method blocked'],
  [0x6984, 'reference data not usable (blocked)'],
  [0x6985, 'conditions of use not satisfied'],
  [0x6986, 'command not allowed (no current EF)'],
  [0x6a80, 'incorrect parameters in the data field'],
  [0x6a81, 'function not supported'],
  [0x6a82, 'file or application not found'],
  [0x6a83, 'record not found'],
  [0x6a86, 'incorrect parameters P1-P2'],
  [0x6a88, 'referenced data not found'],
  [0x6b00, 'wrong parameters (offset outside the EF)'],
  [0x6d00, 'instruction not supported'],
  [0x6e00, 'class not supported'],
  [0x6f00, 'no precise diagnosis'],
]);

export function describeStatusWord(sw: number): string {
  const known = DESCRIPTIONS.get(sw);
  if (known) return known;
  const sw1 = sw >> 8;
  const sw2 = sw & 0xff;
  if (sw1 === 0x63 && (sw2 & 0xf0) === 0xc0) return `verification failed, ${sw2 & 0x0f} tries left`;
  if (sw1 === SW1_MORE_DATA) return `${sw2 === 0 ? 256 : sw2} more bytes available`;
  if (sw1 === SW1_WRONG_LE) return `wrong Le, ${sw2 === 0 ? 256 : sw2} bytes available`;
  if (sw1 === 0x62 || sw1 === 0x63) return 'warning';
  if (sw1 === 0x64 || sw1 === 0x65) return 'execution error';
  return 'unknown status word';
}

/** For a 63Cx answer to VERIFY, the number of tries left; otherwise undefined. */
export function triesLeft(sw: number): number | undefined {
  return (sw & 0xfff0) === SW.VERIFY_FAILED ? sw & 0x0f : undefined;
}

/**
 * What a caller accepts: exact status words, or a predicate such as "any 63Cx".
 */
export type SwAccept = number | ((sw: number) => boolean);

export const anyVerifyFailure: SwAccept = (sw) => triesLeft(sw) !== undefined;

export function isAccepted(sw: number, accept: readonly SwAccept[]): boolean {
  for (const a of accept) if (typeof a === 'number' ? a === sw : a(sw)) return true;
  return false;
}
