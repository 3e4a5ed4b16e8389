/**
 * Printing through CUPS (issue 6). `Printer.print(pdf, title)` returns a PrintJob: `onState`
 * reports each JobState (submitting, queued, printing, waiting{problem}, completed,
 * failed{reason, problem?}); `done` settles with the final one and never rejects; `cancel()`
 * cancels and purges. `Printer.status()` answers ready / problem / not-accepting / missing /
 * unreachable before a print. kiosk/devices/cups.ts createCupsPrinter builds the real one.
 */
export {
  CupsPrinter,
  jobTitle,
  type CupsTransport,
  type Printer,
  type PrinterStatus,
  type PrintJob,
} from './printer.ts';
export {
  FAIL_REASONS,
  PRINTER_PROBLEMS,
  type FailReason,
  type FinalJobState,
  type JobState,
  type PrinterProblem,
} from './state.ts';
export { PrintingError, type PrintingErrorCode } from './errors.ts';
