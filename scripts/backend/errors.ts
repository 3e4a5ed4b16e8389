import { KazasuError } from '../../shared/errors.ts';

/** Backend failures; the HTTP layer maps each to a status and `{ error: { code, message } }`. */
export type BackendErrorCode =
  | 'backend/unauthenticated' // missing or malformed authentication headers
  | 'backend/unknown-device' // no active device with that id
  | 'backend/signature-invalid' // the request signature does not verify with the device's key
  | 'backend/clock-skew' // the request time is outside the window; the response carries server time
  | 'backend/replay' // a nonce seen before within the window
  | 'backend/forbidden' // the device's role may not do this
  | 'backend/bad-request' // a body or query that fails its schema
  | 'backend/not-found' // no such route, dataset version or body
  | 'backend/too-large' // a body over the limit
  | 'backend/csv-invalid' // a registrant or deny-list CSV with errors (line and column, never values)
  | 'backend/device-exists' // registering a device id that is taken
  | 'backend/usage' // a wrong admin command line
  | 'backend/internal'; // anything unexpected (logged, never echoed in detail)

export class BackendError extends KazasuError<BackendErrorCode> {}

export const HTTP_STATUS: Readonly<Record<BackendErrorCode, number>> = {
  'backend/unauthenticated': 401,
  'backend/unknown-device': 401,
  'backend/signature-invalid': 401,
  'backend/clock-skew': 401,
  'backend/replay': 401,
  'backend/forbidden': 403,
  'backend/bad-request': 400,
  'backend/not-found': 404,
  'backend/too-large': 413,
  'backend/csv-invalid': 400,
  'backend/device-exists': 409,
  'backend/usage': 400,
  'backend/internal': 500,
};
