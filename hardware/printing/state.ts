/**
 * Print job states as the counter shows them, from CUPS's IPP attributes, pure. A printer
 * problem (paper out, stopped, offline) while a job waits is `waiting`, not yet a failure: a
 * refilled tray lets it go on. The follower (printer.ts) turns a wait that lasts too long into
 * `failed`, so nothing hangs.
 */
import { JOB_STATE, PRINTER_STATE } from './constants.ts';

/** Why a job cannot go on right now. */
export const PRINTER_PROBLEMS = [
  'printer-stopped', // the queue is stopped (cupsdisable, or CUPS stopped it after a backend error)
  'paper-out',
  'paper-jam',
  'door-open',
  'supplies-empty', // toner or ink
  'offline',
  'held', // the job is held in the queue
] as const;
export type PrinterProblem = (typeof PRINTER_PROBLEMS)[number];

export const FAIL_REASONS = [
  'queue-missing', // no such CUPS queue
  'not-accepting', // the queue refuses new jobs (cupsreject)
  'printer-not-ready', // a problem before submission; nothing was spooled
  'submit-failed', // lp failed for another reason
  'cups-unreachable', // CUPS stopped answering while the job was followed
  'job-canceled',
  'job-aborted', // CUPS aborted it (a filter or backend failed)
  'job-unknown', // CUPS no longer knows the job
  'blocked', // waited on a printer problem longer than allowed; canceled and purged
  'timed-out', // not done within the time allowed; canceled and purged
] as const;
export type FailReason = (typeof FAIL_REASONS)[number];

export type JobState =
  | { readonly kind: 'submitting' }
  | { readonly kind: 'queued'; readonly jobId: number }
  | { readonly kind: 'printing'; readonly jobId: number }
  | { readonly kind: 'waiting'; readonly jobId: number; readonly problem: PrinterProblem }
  | { readonly kind: 'completed'; readonly jobId: number }
  | {
      readonly kind: 'failed';
      readonly jobId?: number;
      readonly reason: FailReason;
      readonly problem?: PrinterProblem;
    };

export type FinalJobState = Extract<JobState, { kind: 'completed' | 'failed' }>;

export function isFinal(s: JobState): s is FinalJobState {
  return s.kind === 'completed' || s.kind === 'failed';
}

/** printer-state-reasons keywords (RFC 8011 §5.4.12, PWG 5100.9) by the problem they mean. */
const REASONS: readonly [PrinterProblem, readonly string[]][] = [
  ['paper-jam', ['media-jam', 'input-tray-missing', 'output-area-full']],
  ['paper-out', ['media-empty', 'media-needed']],
  ['door-open', ['door-open', 'cover-open', 'interlock-open']],
  ['supplies-empty', ['toner-empty', 'marker-supply-empty', 'marker-waste-full']],
  ['offline', ['offline', 'shutdown', 'timed-out']],
  ['printer-stopped', ['paused', 'moving-to-paused', 'printer-stopped']],
];

/**
 * The problem the reasons name, most specific first. `-warning` reasons (toner-low-warning) do
 * not stop printing and are ignored; `-report` and `-error` ones, and bare keywords, count.
 */
export function printerProblem(
  printerState: number | undefined,
  reasons: readonly string[],
): PrinterProblem | undefined {
  const active = reasons
    .filter((r) => !r.endsWith('-warning'))
    .map((r) => r.replace(/-(error|report)$/, ''));
  for (const [problem, keywords] of REASONS) {
    if (keywords.some((k) => active.includes(k))) return problem;
  }
  return printerState === PRINTER_STATE.stopped ? 'printer-stopped' : undefined;
}

export interface JobAttributes {
  readonly state: number;
  readonly reasons: readonly string[];
}

export interface PrinterAttributes {
  readonly state?: number | undefined;
  readonly reasons: readonly string[];
}

/** The job's state from its own attributes and its printer's. */
export function jobState(jobId: number, job: JobAttributes, printer: PrinterAttributes): JobState {
  const problem = printerProblem(printer.state, [...printer.reasons, ...job.reasons]);
  switch (job.state) {
    case JOB_STATE.completed:
      return { kind: 'completed', jobId };
    case JOB_STATE.canceled:
      return { kind: 'failed', jobId, reason: 'job-canceled' };
    case JOB_STATE.aborted:
      return { kind: 'failed', jobId, reason: 'job-aborted', ...(problem ? { problem } : {}) };
    case JOB_STATE.pendingHeld:
      return { kind: 'waiting', jobId, problem: problem ?? 'held' };
    case JOB_STATE.processingStopped:
      return { kind: 'waiting', jobId, problem: problem ?? 'printer-stopped' };
    case JOB_STATE.pending:
      return problem ? { kind: 'waiting', jobId, problem } : { kind: 'queued', jobId };
    case JOB_STATE.processing:
      return problem ? { kind: 'waiting', jobId, problem } : { kind: 'printing', jobId };
    default:
      // A state number outside RFC 8011: keep following rather than guess an outcome.
      return { kind: 'queued', jobId };
  }
}
