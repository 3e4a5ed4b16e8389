import { KazasuError } from '../../shared/errors.ts';

/**
 * Every failure the sync client reports. A dead network or a 5xx is a state the client records
 * and retries, never a crash; the dataset codes leave the previous data in place.
 */
export type SyncErrorCode =
  | 'sync/unreachable' // no connection to the backend (refused, no route, DNS, reset before an answer)
  | 'sync/connection-lost' // the connection broke mid-response (reset, truncated body)
  | 'sync/timeout' // no answer, or no progress, within the time limit
  | 'sync/server-error' // the backend answered 5xx
  | 'sync/unauthorised' // the backend does not know this device or its key (401)
  | 'sync/forbidden' // the device's role may not do that (403)
  | 'sync/clock-skew' // the backend refused the request time even after correcting for its clock
  | 'sync/rejected' // another 4xx: the request itself is wrong
  | 'sync/malformed-response' // a body that is not what the protocol says (not JSON, wrong shape)
  | 'sync/signature-invalid' // a manifest whose signature does not verify with the pinned key
  | 'sync/unknown-key' // a manifest signed by a key that is not pinned in the device config
  | 'sync/digest-mismatch' // a body whose SHA-256, size or line count differs from its signed manifest
  | 'sync/body-invalid' // a body line that is not a row of its dataset (in a body whose digest matched)
  | 'sync/version-rollback' // the backend offers an older version than the device holds
  | 'sync/delta-gap' // a delta that does not follow the device's version
  | 'sync/busy'; // another sync run holds the lease

export class SyncError extends KazasuError<SyncErrorCode> {}

/** Codes worth retrying soon: the same request may well succeed. */
export const TRANSIENT_CODES: ReadonlySet<string> = new Set<SyncErrorCode>([
  'sync/unreachable',
  'sync/connection-lost',
  'sync/timeout',
  'sync/server-error',
  'sync/malformed-response',
  'sync/clock-skew',
  'sync/digest-mismatch',
]);
