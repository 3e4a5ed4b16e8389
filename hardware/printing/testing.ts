/**
 * A CUPS stand-in for unit tests: a stateful scheduler behind the CupsTransport interface that
 * answers real IPP bytes, with a printer whose state, reasons and acceptance a test sets (paper
 * out, stopped, offline), jobs a test moves along, and an outage switch. No module-level state.
 */
import type { Clock } from '../../shared/clock.ts';
import { GROUP, JOB_STATE, OPERATION, PRINTER_STATE, STATUS, VALUE } from './constants.ts';
import { attribute, decodeResponse, encodeAttribute, type IppAttribute } from './ipp.ts';
import type { CupsTransport, SubmitResult } from './printer.ts';

/** A response as CUPS writes one: version, status, request id, groups, end tag. */
export function ippResponse(
  status: number,
  groups: [number, IppAttribute[]][],
  requestId = 1,
): Uint8Array {
  const head = [
    2,
    0,
    status >> 8,
    status & 0xff,
    (requestId >>> 24) & 0xff,
    (requestId >>> 16) & 0xff,
    (requestId >>> 8) & 0xff,
    requestId & 0xff,
  ];
  return Uint8Array.from([
    ...head,
    ...groups.flatMap(([tag, attrs]) => [tag, ...attrs.flatMap(encodeAttribute)]),
    GROUP.endOfAttributes,
  ]);
}

export interface FakeJob {
  state: number;
  reasons: string[];
  readonly title: string;
  readonly bytes: number;
  purged: boolean;
}

export class FakeCups implements CupsTransport {
  readonly printer = {
    exists: true,
    state: PRINTER_STATE.idle as number,
    reasons: ['none'],
    accepting: true,
  };
  readonly jobs = new Map<number, FakeJob>();
  readonly submissions: { queue: string; title: string }[] = [];
  readonly cancels: { jobId: number; purge: boolean }[] = [];
  /** While true, every IPP request fails as if the socket were gone. */
  down = false;
  /** This many of the next IPP requests fail (a short outage, a cupsd restart). */
  failNext = 0;
  /** Forces lp's answer (a failed submission). */
  lpFails?: Exclude<SubmitResult, { ok: true }>;
  /** Called before every Get-Job-Attributes answer: a test moves its jobs here. */
  onPoll: (job: FakeJob, polls: number) => void = (job) => {
    job.state = job.state === JOB_STATE.pending ? JOB_STATE.processing : JOB_STATE.completed;
  };
  private nextId = 1;
  private polls = 0;

  submit(queue: string, title: string, pdf: Uint8Array): Promise<SubmitResult> {
    this.submissions.push({ queue, title });
    if (this.lpFails) return Promise.resolve(this.lpFails);
    if (!this.printer.exists)
      return Promise.resolve({
        ok: false,
        reason: 'queue-missing',
        detail: 'lp: The printer or class does not exist.',
      });
    const jobId = this.nextId++;
    this.jobs.set(jobId, {
      state: JOB_STATE.pending,
      reasons: ['job-queued'],
      title,
      bytes: pdf.length,
      purged: false,
    });
    return Promise.resolve({ ok: true, jobId });
  }

  ipp(_path: string, body: Uint8Array): Promise<Uint8Array> {
    if (this.down || this.failNext > 0) {
      this.failNext = Math.max(0, this.failNext - 1);
      return Promise.reject(new Error('connect ENOENT /run/cups/cups.sock'));
    }
    // A request has the response's layout with the operation where the status is (RFC 8010 §3.1.1).
    const request = decodeResponse(body);
    const op = request.status;
    const text = (name: string): string =>
      String(attribute(request, GROUP.operation, name)?.[0] ?? '');
    const jobId = Number(/\/jobs\/(\d+)$/.exec(text('job-uri'))?.[1] ?? -1);
    const job = this.jobs.get(jobId);
    switch (op) {
      case OPERATION.getPrinterAttributes:
        if (!this.printer.exists)
          return Promise.resolve(ippResponse(STATUS.notFound, [], request.requestId));
        return Promise.resolve(
          ippResponse(
            STATUS.ok,
            [
              [
                GROUP.printer,
                [
                  { tag: VALUE.enum, name: 'printer-state', values: [this.printer.state] },
                  {
                    tag: VALUE.keyword,
                    name: 'printer-state-reasons',
                    values: this.printer.reasons,
                  },
                  {
                    tag: VALUE.boolean,
                    name: 'printer-is-accepting-jobs',
                    values: [this.printer.accepting],
                  },
                ],
              ],
            ],
            request.requestId,
          ),
        );
      case OPERATION.getJobAttributes:
        if (!job) return Promise.resolve(ippResponse(STATUS.notFound, [], request.requestId));
        this.polls += 1;
        this.onPoll(job, this.polls);
        return Promise.resolve(
          ippResponse(
            STATUS.ok,
            [
              [
                GROUP.job,
                [
                  { tag: VALUE.enum, name: 'job-state', values: [job.state] },
                  { tag: VALUE.keyword, name: 'job-state-reasons', values: job.reasons },
                ],
              ],
            ],
            request.requestId,
          ),
        );
      case OPERATION.cancelJob: {
        const purge = attribute(request, GROUP.operation, 'purge-job')?.[0] === true;
        this.cancels.push({ jobId, purge });
        if (job) {
          job.state = JOB_STATE.canceled;
          job.purged = purge;
        }
        return Promise.resolve(
          ippResponse(job ? STATUS.ok : STATUS.notFound, [], request.requestId),
        );
      }
      default:
        return Promise.resolve(ippResponse(0x0501, [], request.requestId));
    }
  }
}

/** A clock that only moves when the code under test sleeps. */
export function steppingTime(): {
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  elapsed: () => number;
} {
  let t = 0;
  return {
    clock: { now: () => t, monotonic: () => t },
    sleep: (ms) => {
      t += ms;
      return Promise.resolve();
    },
    elapsed: () => t,
  };
}
