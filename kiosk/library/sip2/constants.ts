/**
 * Constants of SIP2, once (style.md rule 5). Source: 3M Standard Interchange Protocol Version
 * 2.00, Developer's Guide (3M, 2006), referred to below as "SIP2 Guide"; see also
 * ../shared/research/anchors.md §D.1.
 */

/** SIP2 Guide "Message Format": every message ends with a carriage return. */
export const TERMINATOR = 0x0d;
/** Some systems send CR LF; a LF at the start of the next frame is dropped. */
export const LINE_FEED = 0x0a;
/** SIP2 Guide: a variable-length field is a 2-character id, its value, and `|`. */
export const FIELD_DELIMITER = '|';
/** SIP2 Guide "Error Detection": sequence number (one digit) and checksum (4 hex digits). */
export const SEQUENCE_ID = 'AY';
export const CHECKSUM_ID = 'AZ';
export const CHECKSUM_HEX_DIGITS = 4;
/** Sequence numbers run 0–9 and wrap (SIP2 Guide "Error Detection"). */
export const SEQUENCE_MODULUS = 10;
/** A message longer than this without a CR is garbage, not a message (none comes close). */
export const MAX_FRAME_BYTES = 16 * 1024;

/** SIP2 Guide, SC Status: "protocol version", 4 characters. */
export const PROTOCOL_VERSION = '2.00';

/** SIP2 Guide "language" fixed field (3 digits); FOLIO edge-sip2 LanguageMapper agrees. */
export const LANGUAGE = { unknown: '000', english: '001', japanese: '014' } as const;

/** SC Status "status code" (SIP2 Guide, message 99). */
export const SC_STATUS = { ok: '0', printerOutOfPaper: '1', shuttingDown: '2' } as const;

/** Login "UID algorithm" / "PWD algorithm": 0 means not encrypted (SIP2 Guide, message 93). */
export const PLAIN_ALGORITHM = '0';

/** Item Information Response "circulation status" (SIP2 Guide, message 18). */
export const CIRCULATION_STATUS = {
  other: '01',
  onOrder: '02',
  available: '03',
  charged: '04',
  chargedNotRecallable: '05',
  inProcess: '06',
  recalled: '07',
  waitingOnHoldShelf: '08',
  waitingToBeReshelved: '09',
  inTransit: '10',
  claimedReturned: '11',
  lost: '12',
  missing: '13',
} as const;
export type CirculationStatus = (typeof CIRCULATION_STATUS)[keyof typeof CIRCULATION_STATUS];

/**
 * Patron status (14 characters, 'Y' or space each), in order (SIP2 Guide, message 24 and 64).
 * The first four deny privileges; the rest say why.
 */
export const PATRON_STATUS_FLAGS = [
  'chargePrivilegesDenied',
  'renewalPrivilegesDenied',
  'recallPrivilegesDenied',
  'holdPrivilegesDenied',
  'cardReportedLost',
  'tooManyItemsCharged',
  'tooManyItemsOverdue',
  'tooManyRenewals',
  'tooManyClaimsOfItemsReturned',
  'tooManyItemsLost',
  'excessiveOutstandingFines',
  'excessiveOutstandingFees',
  'recallOverdue',
  'tooManyItemsBilled',
] as const;
export type PatronStatusFlag = (typeof PATRON_STATUS_FLAGS)[number];

/** Patron Information "summary" (10 characters): which list the response should carry. */
export const SUMMARY_POSITIONS = [
  'holdItems',
  'overdueItems',
  'chargedItems',
  'fineItems',
  'recallItems',
  'unavailableHolds',
] as const;
export type SummaryList = (typeof SUMMARY_POSITIONS)[number];
export const SUMMARY_WIDTH = 10;
export const PATRON_STATUS_WIDTH = 14;
/** 18 characters: YYYYMMDD, a 4-character zone (blanks: local time; `   Z`: UTC), HHMMSS. */
export const DATE_WIDTH = 18;
export const UTC_ZONE = '   Z';
export const LOCAL_ZONE = '    ';
/** The library systems this is used with keep local time in Japan Standard Time. */
export const JST_OFFSET_MINUTES = 9 * 60;
