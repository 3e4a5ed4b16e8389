import { KazasuError } from '../../shared/errors.ts';

/** Failures inside printing (printer trouble itself is a job state, never one of these). */
export type PrintingErrorCode =
  | 'printing/ipp-malformed' // bytes from CUPS that are not an IPP response; details.offset
  | 'printing/ipp-status' // CUPS answered an IPP request with an error status; details.status
  | 'printing/cups-unreachable'; // the CUPS socket did not answer

export class PrintingError extends KazasuError<PrintingErrorCode> {}
