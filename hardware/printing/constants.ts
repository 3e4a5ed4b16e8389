/**
 * IPP numbers used to follow print jobs in CUPS. Encoding: RFC 8010 ("IPP/1.1: Encoding and
 * Transport") §3; operations, states and keywords: RFC 8011 ("IPP/1.1: Model and Semantics")
 * §4.2, §5.3.7, §5.4.12; printer-state-reasons suffixes: RFC 8011 §5.4.12.
 */

/** We speak IPP/2.0 (CUPS 2.x answers 1.1 and 2.x requests). */
export const IPP_VERSION = [2, 0] as const;
export const IPP_MIME = 'application/ipp';

/** RFC 8011 §4.2 / §4.3 operation-id values. */
export const OPERATION = {
  cancelJob: 0x0008,
  getJobAttributes: 0x0009,
  getPrinterAttributes: 0x000b,
} as const;

/** RFC 8010 §3.5.1 delimiter tags. */
export const GROUP = {
  operation: 0x01,
  job: 0x02,
  endOfAttributes: 0x03,
  printer: 0x04,
  unsupported: 0x05,
} as const;
/** Tags below this value are delimiters, from it on value tags (RFC 8010 §3.5.1). */
export const FIRST_VALUE_TAG = 0x10;

/** RFC 8010 §3.5.2 value tags. */
export const VALUE = {
  unsupported: 0x10,
  unknown: 0x12,
  noValue: 0x13,
  integer: 0x21,
  boolean: 0x22,
  enum: 0x23,
  octetString: 0x30,
  begCollection: 0x34,
  endCollection: 0x37,
  text: 0x41,
  name: 0x42,
  keyword: 0x44,
  uri: 0x45,
  charset: 0x47,
  naturalLanguage: 0x48,
  mimeMediaType: 0x49,
  memberAttrName: 0x4a,
} as const;

/** Tags whose values are UTF-8 / US-ASCII strings (RFC 8010 §3.9). */
export const STRING_TAGS: ReadonlySet<number> = new Set([
  0x41, 0x42, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a,
]);

/** RFC 8011 §4.1.6: 0x0000–0x00FF successful, 0x0400–0x04FF client error, 0x0500– server error. */
export const STATUS = {
  ok: 0x0000,
  lastSuccessful: 0x00ff,
  notFound: 0x0406,
} as const;

/** RFC 8011 §5.3.7 job-state. */
export const JOB_STATE = {
  pending: 3,
  pendingHeld: 4,
  processing: 5,
  processingStopped: 6,
  canceled: 7,
  aborted: 8,
  completed: 9,
} as const;

/** RFC 8011 §5.4.11 printer-state. */
export const PRINTER_STATE = { idle: 3, processing: 4, stopped: 5 } as const;

/** How CUPS's own clients name the local scheduler in printer-uri and job-uri. */
export const CUPS_URI_HOST = 'ipp://localhost';
