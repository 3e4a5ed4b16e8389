/**
 * DLE EOT real-time status bytes (ESC/POS Command Reference, "DLE EOT n") to what they mean,
 * and back (for the simulator). Pure.
 */
import {
  ERROR_AUTO_RECOVERABLE,
  ERROR_CUTTER,
  ERROR_UNRECOVERABLE,
  OFFLINE_COVER_OPEN,
  OFFLINE_ERROR,
  OFFLINE_PAPER_END,
  PAPER_END,
  PAPER_NEAR_END,
  PRINTER_OFFLINE,
  STATUS_FIXED_BITS,
  STATUS_FIXED_MASK,
} from './constants.ts';

export interface PrinterStatus {
  readonly online: boolean;
  readonly coverOpen: boolean;
  readonly paperOut: boolean;
  readonly paperNearEnd: boolean;
  /** Cutter jam or another error that stops printing. */
  readonly error: boolean;
}

export type PrinterCondition = 'ready' | 'paper-near-end' | 'paper-out' | 'cover-open' | 'error';

/** The one condition that matters most to a patron waiting for a receipt. */
export function conditionOf(s: PrinterStatus): PrinterCondition {
  if (s.paperOut) return 'paper-out';
  if (s.coverOpen) return 'cover-open';
  if (s.error || !s.online) return 'error';
  if (s.paperNearEnd) return 'paper-near-end';
  return 'ready';
}

/** Whether `byte` has the fixed bits every status byte has. */
export function isStatusByte(byte: number): boolean {
  return (byte & STATUS_FIXED_MASK) === STATUS_FIXED_BITS;
}

/** The three bytes a status query reads (n = 1, 2, 4), combined. */
export function decodeStatus(printer: number, offlineCause: number, paper: number): PrinterStatus {
  return {
    online: (printer & PRINTER_OFFLINE) === 0,
    coverOpen: (offlineCause & OFFLINE_COVER_OPEN) !== 0,
    paperOut: (paper & PAPER_END) !== 0 || (offlineCause & OFFLINE_PAPER_END) !== 0,
    paperNearEnd: (paper & PAPER_NEAR_END) !== 0,
    error: (offlineCause & OFFLINE_ERROR) !== 0,
  };
}

/** The byte a printer in `s` answers to DLE EOT `n` (the simulator's side). */
export function encodeStatusByte(
  n: number,
  s: PrinterStatus & { readonly cutterJam?: boolean },
): number {
  let b = STATUS_FIXED_BITS;
  switch (n) {
    case 1:
      if (!s.online || s.paperOut || s.coverOpen || s.error) b |= PRINTER_OFFLINE;
      break;
    case 2:
      if (s.coverOpen) b |= OFFLINE_COVER_OPEN;
      if (s.paperOut) b |= OFFLINE_PAPER_END;
      if (s.error) b |= OFFLINE_ERROR;
      break;
    case 3:
      if (s.cutterJam) b |= ERROR_CUTTER;
      if (s.error) b |= s.cutterJam ? ERROR_AUTO_RECOVERABLE : ERROR_UNRECOVERABLE;
      break;
    case 4:
      if (s.paperNearEnd) b |= PAPER_NEAR_END;
      if (s.paperOut) b |= PAPER_END;
      break;
    default:
      break;
  }
  return b;
}
