import { KazasuError } from '../../shared/errors.ts';

/**
 * A receipt printer that answers but cannot print. A printer that does not answer, or whose
 * port closed, is a HardwareError (`hardware/timeout`, `hardware/port-closed`).
 */
export type ReceiptPrinterErrorCode =
  | 'printer/paper-out' // the paper roll is empty (before printing, or it ran out during)
  | 'printer/cover-open' // the roll cover is open
  | 'printer/error'; // cutter jam or another error; the printer is offline

export class ReceiptPrinterError extends KazasuError<ReceiptPrinterErrorCode> {}
