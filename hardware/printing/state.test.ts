import { describe, expect, it } from 'vitest';
import { JOB_STATE, PRINTER_STATE } from './constants.ts';
import { jobState, printerProblem } from './state.ts';

describe('printer problems', () => {
  it.each([
    [['media-empty-error'], 'paper-out'],
    [['media-needed-report'], 'paper-out'],
    [['media-jam-error', 'media-empty-error'], 'paper-jam'],
    [['cover-open'], 'door-open'],
    [['offline-report'], 'offline'],
    [['toner-empty-error'], 'supplies-empty'],
    [['paused'], 'printer-stopped'],
  ])('%j is %s', (reasons, problem) => {
    expect(printerProblem(PRINTER_STATE.idle, reasons)).toBe(problem);
  });

  it('warnings do not stop a job; a stopped printer is stopped whatever its reasons', () => {
    expect(printerProblem(PRINTER_STATE.processing, ['toner-low-warning', 'none'])).toBeUndefined();
    expect(printerProblem(PRINTER_STATE.stopped, ['none'])).toBe('printer-stopped');
  });
});

describe('job states', () => {
  const idle = { state: PRINTER_STATE.idle, reasons: ['none'] };
  it('follows CUPS from queued to completed', () => {
    expect(jobState(4, { state: JOB_STATE.pending, reasons: ['job-queued'] }, idle)).toEqual({
      kind: 'queued',
      jobId: 4,
    });
    expect(jobState(4, { state: JOB_STATE.processing, reasons: ['job-printing'] }, idle)).toEqual({
      kind: 'printing',
      jobId: 4,
    });
    expect(
      jobState(4, { state: JOB_STATE.completed, reasons: ['job-completed-successfully'] }, idle),
    ).toEqual({ kind: 'completed', jobId: 4 });
  });

  it('a job behind a printer problem waits with that problem', () => {
    const paperOut = { state: PRINTER_STATE.processing, reasons: ['media-empty-error'] };
    expect(jobState(5, { state: JOB_STATE.processing, reasons: [] }, paperOut)).toEqual({
      kind: 'waiting',
      jobId: 5,
      problem: 'paper-out',
    });
    expect(
      jobState(
        5,
        { state: JOB_STATE.pending, reasons: ['printer-stopped'] },
        { state: PRINTER_STATE.stopped, reasons: ['paused'] },
      ),
    ).toEqual({
      kind: 'waiting',
      jobId: 5,
      problem: 'printer-stopped',
    });
    expect(
      jobState(5, { state: JOB_STATE.pendingHeld, reasons: ['job-hold-until-specified'] }, idle),
    ).toMatchObject({ problem: 'held' });
  });

  it('canceled and aborted jobs fail; an unknown state keeps being followed', () => {
    expect(jobState(6, { state: JOB_STATE.canceled, reasons: [] }, idle)).toEqual({
      kind: 'failed',
      jobId: 6,
      reason: 'job-canceled',
    });
    expect(jobState(6, { state: JOB_STATE.aborted, reasons: ['aborted-by-system'] }, idle)).toEqual(
      { kind: 'failed', jobId: 6, reason: 'job-aborted' },
    );
    expect(jobState(6, { state: 42, reasons: [] }, idle)).toEqual({ kind: 'queued', jobId: 6 });
  });
});
