/**
 * Printing through CUPS: submit with `lp`, follow the job over IPP until it is done or failed,
 * and report every state on the way (queued, printing, waiting for paper …). Printer trouble is
 * never thrown: it is a state, and `done` always settles — a wait on a printer problem longer
 * than `blockedLimitMs`, or a job not done in `timeoutMs`, is canceled with its files purged,
 * so a form with a resident's name never prints hours later when someone refills the tray.
 *
 * Nothing is written to disk here: the PDF goes to `lp` on standard input. CUPS spools it;
 * with `PreserveJobFiles No` (scripts/bootstrap.js ensureCups) it deletes the file when the job
 * ends. Titles are the caller's and show in CUPS logs and job history: no personal data in them.
 *
 * The transport (spawning lp, POSTing IPP to the scheduler) is injected; kiosk/devices/cups.ts
 * builds the real one.
 */
import type { Clock } from '../../shared/clock.ts';
import { Listeners } from '../../shared/listeners.ts';
import { silentLogger, type Logger } from '../../shared/log.ts';
import { CUPS_URI_HOST, GROUP, OPERATION, PRINTER_STATE, STATUS, VALUE } from './constants.ts';
import {
  attribute,
  decodeResponse,
  encodeRequest,
  type IppAttribute,
  type IppResponse,
} from './ipp.ts';
import { PrintingError } from './errors.ts';
import {
  isFinal,
  jobState,
  printerProblem,
  type FinalJobState,
  type JobState,
  type PrinterProblem,
} from './state.ts';

export type SubmitResult =
  | { readonly ok: true; readonly jobId: number }
  | {
      readonly ok: false;
      readonly reason: 'queue-missing' | 'not-accepting' | 'submit-failed';
      readonly detail: string;
    };

export interface CupsTransport {
  /** `lp -d queue -t title` with the PDF on standard input. */
  submit(queue: string, title: string, pdf: Uint8Array): Promise<SubmitResult>;
  /** POSTs an IPP request to the scheduler at `path`; rejects when CUPS does not answer. */
  ipp(path: string, body: Uint8Array): Promise<Uint8Array>;
}

export interface PrintJob {
  readonly title: string;
  readonly state: JobState;
  /** Every state change, in order; the listener is removed by calling the returned function. */
  onState(listener: (state: JobState) => void): () => void;
  /** Settles with the final state; never rejects. */
  readonly done: Promise<FinalJobState>;
  /** Cancels the job (and purges its files) unless it is already final. */
  cancel(): Promise<void>;
}

export type PrinterStatus =
  | { readonly kind: 'ready'; readonly printing: boolean }
  | { readonly kind: 'problem'; readonly problem: PrinterProblem; readonly accepting: boolean }
  | { readonly kind: 'not-accepting' }
  | { readonly kind: 'missing' }
  | { readonly kind: 'unreachable' };

/** What the counter prints on. */
export interface Printer {
  readonly queue: string;
  status(): Promise<PrinterStatus>;
  print(pdf: Uint8Array, title: string): PrintJob;
}

export interface CupsPrinterOptions {
  readonly queue: string;
  readonly transport: CupsTransport;
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
  /** The job owner CUPS checks on Cancel-Job (the user lp ran as). */
  readonly user: string;
  readonly pollMs?: number;
  readonly blockedLimitMs?: number;
  readonly timeoutMs?: number;
  /** CUPS not answering for this long while a job is followed: `cups-unreachable`. */
  readonly unreachableMs?: number;
  readonly logger?: Logger;
}

/**
 * A title as CUPS will keep it (logs, job history, the cups-pdf file name): ASCII letters,
 * digits, '.', '_' and '-', at most 64. Callers pass case ids, never names.
 */
export function jobTitle(title: string): string {
  return title.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 64) || 'kazasu';
}

const DEFAULTS = { pollMs: 250, blockedLimitMs: 60_000, timeoutMs: 300_000, unreachableMs: 10_000 };
const keywords = (v: readonly unknown[] | undefined): string[] =>
  (v ?? []).filter((x): x is string => typeof x === 'string');
const num = (v: readonly unknown[] | undefined): number | undefined =>
  typeof v?.[0] === 'number' ? v[0] : undefined;

export class CupsPrinter implements Printer {
  readonly queue: string;
  private readonly o: Required<Omit<CupsPrinterOptions, 'logger'>> & { logger: Logger };
  private requestId = 1;

  constructor(options: CupsPrinterOptions) {
    this.queue = options.queue;
    this.o = { ...DEFAULTS, logger: silentLogger, ...options };
  }

  private get printerUri(): string {
    return `${CUPS_URI_HOST}/printers/${encodeURIComponent(this.queue)}`;
  }

  private async call(
    path: string,
    operation: number,
    attributes: IppAttribute[],
  ): Promise<IppResponse> {
    const body = encodeRequest({ operation, requestId: this.requestId++, attributes });
    let reply: Uint8Array;
    try {
      reply = await this.o.transport.ipp(path, body);
    } catch (error) {
      throw new PrintingError('printing/cups-unreachable', 'CUPS did not answer', { cause: error });
    }
    return decodeResponse(reply);
  }

  private user(): IppAttribute {
    return { tag: VALUE.name, name: 'requesting-user-name', values: [this.o.user] };
  }

  private async printerAttributes(): Promise<IppResponse> {
    return this.call(
      `/printers/${encodeURIComponent(this.queue)}`,
      OPERATION.getPrinterAttributes,
      [
        { tag: VALUE.uri, name: 'printer-uri', values: [this.printerUri] },
        this.user(),
        {
          tag: VALUE.keyword,
          name: 'requested-attributes',
          values: ['printer-state', 'printer-state-reasons', 'printer-is-accepting-jobs'],
        },
      ],
    );
  }

  async status(): Promise<PrinterStatus> {
    let r: IppResponse;
    try {
      r = await this.printerAttributes();
    } catch (error) {
      this.o.logger.warn(
        { queue: this.queue, code: (error as PrintingError).code },
        'printer status unknown',
      );
      return { kind: 'unreachable' };
    }
    if (r.status === STATUS.notFound) return { kind: 'missing' };
    if (r.status > STATUS.lastSuccessful) {
      this.o.logger.warn(
        { queue: this.queue, status: r.status },
        'CUPS refused Get-Printer-Attributes',
      );
      return { kind: 'unreachable' };
    }
    const state = num(attribute(r, GROUP.printer, 'printer-state'));
    const accepting = attribute(r, GROUP.printer, 'printer-is-accepting-jobs')?.[0] !== false;
    const problem = printerProblem(
      state,
      keywords(attribute(r, GROUP.printer, 'printer-state-reasons')),
    );
    if (problem) return { kind: 'problem', problem, accepting };
    if (!accepting) return { kind: 'not-accepting' };
    return { kind: 'ready', printing: state === PRINTER_STATE.processing };
  }

  print(pdf: Uint8Array, title: string): PrintJob {
    return new FollowedJob(this, this.o, jobTitle(title), pdf);
  }

  /** @internal */
  async jobAttributes(jobId: number): Promise<IppResponse> {
    return this.call('/jobs', OPERATION.getJobAttributes, [
      { tag: VALUE.uri, name: 'job-uri', values: [`${CUPS_URI_HOST}/jobs/${jobId}`] },
      this.user(),
      {
        tag: VALUE.keyword,
        name: 'requested-attributes',
        values: ['job-state', 'job-state-reasons'],
      },
    ]);
  }

  /** @internal */
  async printerNow(): Promise<IppResponse> {
    return this.printerAttributes();
  }

  /** @internal Cancel-Job with purge-job: CUPS deletes the spooled document too. */
  async cancelJob(jobId: number): Promise<void> {
    await this.call('/jobs', OPERATION.cancelJob, [
      { tag: VALUE.uri, name: 'job-uri', values: [`${CUPS_URI_HOST}/jobs/${jobId}`] },
      this.user(),
      { tag: VALUE.boolean, name: 'purge-job', values: [true] },
    ]);
  }
}

class FollowedJob implements PrintJob {
  private current: JobState = { kind: 'submitting' };
  private readonly listeners = new Listeners<JobState>();
  private canceled = false;
  readonly done: Promise<FinalJobState>;

  constructor(
    private readonly printer: CupsPrinter,
    private readonly o: Required<Omit<CupsPrinterOptions, 'logger'>> & { logger: Logger },
    readonly title: string,
    pdf: Uint8Array,
  ) {
    this.done = this.run(pdf).catch((error: unknown) => {
      // Defensive: run() handles its own failures; anything else still ends as a state.
      this.o.logger.error({ queue: printer.queue, error: String(error) }, 'print follower failed');
      return this.set({ kind: 'failed', reason: 'cups-unreachable' }) as FinalJobState;
    });
  }

  get state(): JobState {
    return this.current;
  }

  onState(listener: (state: JobState) => void): () => void {
    return this.listeners.add(listener);
  }

  async cancel(): Promise<void> {
    this.canceled = true;
    const s = this.current;
    if (!isFinal(s) && 'jobId' in s) await this.printer.cancelJob(s.jobId).catch(() => undefined);
  }

  private set(next: JobState): JobState {
    if (JSON.stringify(next) !== JSON.stringify(this.current)) {
      this.current = next;
      this.o.logger.info({ queue: this.printer.queue, state: next }, 'print job');
      this.listeners.emit(next);
    }
    return next;
  }

  private async run(pdf: Uint8Array): Promise<FinalJobState> {
    const ready = await this.printer.status();
    switch (ready.kind) {
      case 'missing':
        return this.final({ kind: 'failed', reason: 'queue-missing' });
      case 'not-accepting':
        return this.final({ kind: 'failed', reason: 'not-accepting' });
      case 'unreachable':
        return this.final({ kind: 'failed', reason: 'cups-unreachable' });
      case 'problem':
        // Nothing spooled yet: refuse rather than leave the form waiting in a stopped queue.
        if (ready.problem === 'printer-stopped' || ready.problem === 'offline' || !ready.accepting)
          return this.final({
            kind: 'failed',
            reason: 'printer-not-ready',
            problem: ready.problem,
          });
        break;
      case 'ready':
        break;
    }
    const submitted = await this.o.transport.submit(this.printer.queue, this.title, pdf);
    if (!submitted.ok) {
      this.o.logger.warn(
        { queue: this.printer.queue, reason: submitted.reason, detail: submitted.detail },
        'lp failed',
      );
      return this.final({ kind: 'failed', reason: submitted.reason });
    }
    return this.follow(submitted.jobId);
  }

  private final(s: FinalJobState): FinalJobState {
    return this.set(s) as FinalJobState;
  }

  private async follow(jobId: number): Promise<FinalJobState> {
    this.set({ kind: 'queued', jobId });
    const started = this.o.clock.monotonic();
    let waitingSince: number | undefined;
    let unreachableSince: number | undefined;
    for (;;) {
      if (this.canceled) return this.final({ kind: 'failed', jobId, reason: 'job-canceled' });
      const now = this.o.clock.monotonic();
      let next: JobState | undefined;
      try {
        const job = await this.printer.jobAttributes(jobId);
        if (job.status === STATUS.notFound)
          return this.final({ kind: 'failed', jobId, reason: 'job-unknown' });
        const printer = await this.printer.printerNow();
        for (const r of [job, printer]) {
          if (r.status > STATUS.lastSuccessful)
            throw new PrintingError('printing/ipp-status', 'CUPS refused an IPP request', {
              details: { status: r.status },
            });
        }
        next = jobState(
          jobId,
          {
            state: num(attribute(job, GROUP.job, 'job-state')) ?? 0,
            reasons: keywords(attribute(job, GROUP.job, 'job-state-reasons')),
          },
          {
            state: num(attribute(printer, GROUP.printer, 'printer-state')),
            reasons: keywords(attribute(printer, GROUP.printer, 'printer-state-reasons')),
          },
        );
        unreachableSince = undefined;
      } catch (error) {
        unreachableSince ??= now;
        this.o.logger.warn(
          { queue: this.printer.queue, jobId, code: (error as PrintingError).code },
          'job state unknown',
        );
        if (now - unreachableSince >= this.o.unreachableMs)
          return this.final({ kind: 'failed', jobId, reason: 'cups-unreachable' });
      }
      if (next) {
        if (isFinal(next)) return this.final(next);
        this.set(next);
        waitingSince = next.kind === 'waiting' ? (waitingSince ?? now) : undefined;
        if (
          next.kind === 'waiting' &&
          waitingSince !== undefined &&
          now - waitingSince >= this.o.blockedLimitMs
        ) {
          await this.printer.cancelJob(jobId).catch(() => undefined);
          return this.final({ kind: 'failed', jobId, reason: 'blocked', problem: next.problem });
        }
      }
      if (now - started >= this.o.timeoutMs) {
        await this.printer.cancelJob(jobId).catch(() => undefined);
        return this.final({ kind: 'failed', jobId, reason: 'timed-out' });
      }
      await this.o.sleep(this.o.pollMs);
    }
  }
}
