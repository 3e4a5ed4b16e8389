import { KazasuError } from '../shared/errors.ts';

/** Failures of serial and HID devices and of printing. Stable codes; see reader/errors.ts. */
export type HardwareErrorCode =
  | 'hardware/port-unavailable' // the serial port cannot be opened (missing, busy, no permission)
  | 'hardware/port-closed' // the port closed while in use (cable pulled, device reset)
  | 'hardware/timeout' // the device did not answer in time
  | 'hardware/frame-invalid' // bytes that are not a frame of the protocol (bad CRC, length, start)
  | 'hardware/nak' // the device refused a command; details.code says why
  | 'hardware/busy' // an exchange is already running on this device
  | 'hardware/unexpected-reply'; // a frame that does not answer the command sent

export class HardwareError extends KazasuError<HardwareErrorCode> {}
