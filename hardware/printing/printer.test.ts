import { describe, expect, it } from 'vitest';
import { JOB_STATE, PRINTER_STATE } from './constants.ts';
import { CupsPrinter, jobTitle } from './printer.ts';
import type { JobState } from './state.ts';
import { FakeCups, steppingTime } from './testing.ts';

const PDF = new TextEncoder().encode('%PDF-1.7 test');

function setup(tune: (cups: FakeCups) => void = () => undefined) {
  const cups = new FakeCups();
  tune(cups);
  const time = steppingTime();
  const printer = new CupsPrinter({
    queue: 'Kazasu-PDF',
    transport: cups,
    clock: time.clock,
    sleep: time.sleep,
    user: 'kiosk',
    pollMs: 250,
    blockedLimitMs: 5_000,
    timeoutMs: 60_000,
    unreachableMs: 3_000,
  });
  const print = async () => {
    const job = printer.print(PDF, 'case 0042/forms');
    const states: JobState[] = [];
    job.onState((s) => states.push(s));
    return { final: await job.done, states, job };
  };
  return { cups, time, printer, print };
}

describe('CupsPrinter', () => {
  it('submits once and follows the job from queued through printing to completed', async () => {
    const { cups, print } = setup();
    const { final, states } = await print();
    expect(final).toEqual({ kind: 'completed', jobId: 1 });
    expect(states.map((s) => s.kind)).toEqual(['queued', 'printing', 'completed']);
    expect(cups.submissions).toEqual([{ queue: 'Kazasu-PDF', title: 'case_0042_forms' }]);
  });

  it('paper out is a wait, and the job goes on once the tray is refilled', async () => {
    const { cups, print } = setup((c) => {
      c.onPoll = (job, n) => {
        job.state = JOB_STATE.processing;
        c.printer.reasons = n >= 2 && n < 6 ? ['media-empty-error'] : ['none'];
        if (n >= 8) job.state = JOB_STATE.completed;
      };
    });
    const { final, states } = await print();
    expect(final.kind).toBe('completed');
    expect(states).toContainEqual({ kind: 'waiting', jobId: 1, problem: 'paper-out' });
    expect(states.at(-2)).toEqual({ kind: 'printing', jobId: 1 });
    expect(cups.cancels).toEqual([]);
  });

  it('a wait that lasts past the limit ends as failed, with the job canceled and purged', async () => {
    const { cups, time, print } = setup((c) => {
      c.onPoll = (job) => {
        job.state = JOB_STATE.processing;
        c.printer.state = PRINTER_STATE.processing;
        c.printer.reasons = ['offline-report'];
      };
    });
    const { final } = await print();
    expect(final).toEqual({ kind: 'failed', jobId: 1, reason: 'blocked', problem: 'offline' });
    expect(cups.cancels).toEqual([{ jobId: 1, purge: true }]);
    expect(cups.jobs.get(1)?.purged).toBe(true);
    expect(time.elapsed()).toBeGreaterThanOrEqual(5_000);
    expect(time.elapsed()).toBeLessThan(6_000);
  });

  it('a job never done in time is canceled: timed-out', async () => {
    const { cups, print } = setup((c) => {
      c.onPoll = (job) => void (job.state = JOB_STATE.processing);
    });
    expect((await print()).final).toEqual({ kind: 'failed', jobId: 1, reason: 'timed-out' });
    expect(cups.cancels).toEqual([{ jobId: 1, purge: true }]);
  });

  it('rides out a short CUPS outage, and reports a long one', async () => {
    const short = setup((c) => {
      c.onPoll = (job, n) => {
        job.state = n >= 3 ? JOB_STATE.completed : JOB_STATE.processing;
        if (n === 1) c.failNext = 4; // about a second without answers: less than unreachableMs
      };
    });
    expect((await short.print()).final.kind).toBe('completed');
    expect(short.cups.failNext).toBe(0);

    const long = setup((c) => {
      c.onPoll = (job) => {
        job.state = JOB_STATE.processing;
        c.down = true;
      };
    });
    expect((await long.print()).final).toEqual({
      kind: 'failed',
      jobId: 1,
      reason: 'cups-unreachable',
    });
  });

  it('refuses before spooling anything when the queue is missing, refusing, stopped or offline', async () => {
    const cases: [(c: FakeCups) => void, object][] = [
      [(c) => void (c.printer.exists = false), { kind: 'failed', reason: 'queue-missing' }],
      [(c) => void (c.printer.accepting = false), { kind: 'failed', reason: 'not-accepting' }],
      [
        (c) => ((c.printer.state = PRINTER_STATE.stopped), (c.printer.reasons = ['paused'])),
        { kind: 'failed', reason: 'printer-not-ready', problem: 'printer-stopped' },
      ],
      [
        (c) => void (c.printer.reasons = ['offline-report']),
        { kind: 'failed', reason: 'printer-not-ready', problem: 'offline' },
      ],
      [(c) => void (c.down = true), { kind: 'failed', reason: 'cups-unreachable' }],
    ];
    for (const [tune, expected] of cases) {
      const { cups, print } = setup(tune);
      expect((await print()).final).toEqual(expected);
      expect(cups.submissions).toEqual([]);
    }
  });

  it('paper out before printing still submits: the job waits for the tray', async () => {
    const { cups, print } = setup((c) => {
      c.printer.reasons = ['media-empty-error'];
      c.onPoll = (job, n) => {
        if (n > 2) c.printer.reasons = ['none'];
        job.state = n > 3 ? JOB_STATE.completed : JOB_STATE.pending;
      };
    });
    const { final, states } = await print();
    expect(cups.submissions).toHaveLength(1);
    expect(states[1]).toEqual({ kind: 'waiting', jobId: 1, problem: 'paper-out' });
    expect(final.kind).toBe('completed');
  });

  it('lp failing, a job CUPS forgets and a canceled job are final states too', async () => {
    const lp = setup(
      (c) =>
        void (c.lpFails = {
          ok: false,
          reason: 'submit-failed',
          detail: 'lp: Unsupported document-format',
        }),
    );
    expect((await lp.print()).final).toEqual({ kind: 'failed', reason: 'submit-failed' });
    const forgotten = setup((c) => {
      c.onPoll = () => c.jobs.clear(); // CUPS restarted without its job history
    });
    expect((await forgotten.print()).final).toEqual({
      kind: 'failed',
      jobId: 1,
      reason: 'job-unknown',
    });
    const aborted = setup((c) => {
      c.onPoll = (job) => void (job.state = JOB_STATE.aborted);
    });
    expect((await aborted.print()).final).toEqual({
      kind: 'failed',
      jobId: 1,
      reason: 'job-aborted',
    });
  });

  it('cancel() stops following and purges the job', async () => {
    const { cups, printer } = setup((c) => {
      c.onPoll = (job) => void (job.state = JOB_STATE.processing);
    });
    const job = printer.print(PDF, 'case-1');
    job.onState((s) => {
      if (s.kind === 'printing') void job.cancel();
    });
    expect(await job.done).toEqual({ kind: 'failed', jobId: 1, reason: 'job-canceled' });
    expect(cups.cancels[0]).toEqual({ jobId: 1, purge: true });
  });

  it('status() says ready, problem, missing or unreachable', async () => {
    expect(await setup().printer.status()).toEqual({ kind: 'ready', printing: false });
    expect(
      await setup((c) => void (c.printer.reasons = ['media-jam-error'])).printer.status(),
    ).toEqual({ kind: 'problem', problem: 'paper-jam', accepting: true });
    expect(await setup((c) => void (c.printer.exists = false)).printer.status()).toEqual({
      kind: 'missing',
    });
    expect(await setup((c) => void (c.down = true)).printer.status()).toEqual({
      kind: 'unreachable',
    });
  });

  it('titles keep to what CUPS logs safely', () => {
    expect(jobTitle('case 12/渡邉')).toBe('case_12_');
    expect(jobTitle('')).toBe('kazasu');
    expect(jobTitle('x'.repeat(100))).toHaveLength(64);
  });
});
