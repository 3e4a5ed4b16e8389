import { KazasuError } from '../../shared/errors.ts';

/** Failures of HID devices (barcode scanners). Stable codes. */
export type HidErrorCode =
  | 'hid/not-found' // no HID device matches the configured vendor/product id or path
  | 'hid/unavailable' // the device exists but cannot be opened (permissions, held exclusively)
  | 'hid/device-lost'; // the device went away while in use (unplugged, reset)

export class HidError extends KazasuError<HidErrorCode> {}
