/**
 * Interindustry commands of ISO/IEC 7816-4 used across applications (the My Number Card's APs,
 * the FeliCa pseudo-APDUs aside). Application modules re-export what they use.
 */
export const ISO_CLA = 0x00;

export const ISO_INS = {
  /** §11.2.2 SELECT. */
  SELECT: 0xa4,
  /** §11.3.3 READ BINARY. */
  READ_BINARY: 0xb0,
  /** §11.4.3 READ RECORD. */
  READ_RECORD: 0xb2,
  /** §11.5.6 VERIFY (without data: the retry counter, without spending a try). */
  VERIFY: 0x20,
  /** §11.5.3 GET CHALLENGE. */
  GET_CHALLENGE: 0x84,
  /** §11.7.1 GET RESPONSE, after 61xx. */
  GET_RESPONSE: 0xc0,
} as const;

/** SELECT P1/P2 (§11.2.2): by DF name, EF under the current DF; P2 0C = no response data. */
export const SELECT = {
  P1_BY_DF_NAME: 0x04,
  P1_EF_UNDER_CURRENT_DF: 0x02,
  P2_NO_RESPONSE_DATA: 0x0c,
  FID_LENGTH: 2,
  /** §5.3.1.2: an AID is 5..16 bytes; a prefix may be shorter. */
  MAX_AID_LENGTH: 16,
} as const;

/** VERIFY P2 80: the key of the currently selected key EF (the My Number Card's use). */
export const VERIFY_P2_SELECTED_KEY = 0x80;

/** READ RECORD P2 low bits 100: P1 is a record number (§11.4.3). */
export const READ_RECORD_P2_BY_NUMBER = 0x04;

/** Short APDU limits: Le 00 = 256 bytes; READ BINARY offsets are 15 bits when P1 b8 = 0. */
export const MAX_SHORT_LE = 256;
export const MAX_READ_BINARY_OFFSET = 0x7fff;

/** Bytes read first from a file holding one BER-TLV: enough for any header we meet. */
export const TLV_HEADER_PROBE = 7;
