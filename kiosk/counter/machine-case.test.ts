import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { counterStep, INITIAL_STATE } from './machine.ts';
import {
  audits,
  byPin,
  kinds,
  open,
  place,
  policy,
  removed,
  run,
  secret,
} from './machine-testing.ts';
import type { CounterEvent, FaceFailure } from './types.ts';

describe('counter flow: forms, print, close', () => {
  const toReview = (problems = 0) =>
    run([
      open,
      ...byPin('p1', 'card-a', 'person-a'),
      { type: 'ProceduresChosen', procedures: [{ id: 'resident-copy', persons: ['p1'] }] },
      { type: 'FormsReady', forms: 1, pages: 1, problems },
    ]).state;

  it('characters no font has must be acknowledged by staff before printing', () => {
    const review = toReview(2);
    expect(review.notice?.code).toBe('glyph-problems');
    expect(run([{ type: 'ReviewConfirmed' }], review).state.phase).toBe('review');
    const ack = run([{ type: 'ReviewConfirmed', acknowledgeProblems: true }], review);
    expect(ack.state.phase).toBe('printing');
  });

  it('a failed print (paper out) is a state; staff retry', () => {
    const s = run(
      [{ type: 'ReviewConfirmed' }, { type: 'PrintFailed', code: 'print/paper-out' }],
      toReview(),
    );
    expect(s.state).toMatchObject({
      phase: 'print-failed',
      notice: { code: 'print-failed', cause: 'print/paper-out' },
    });
    const retry = run([{ type: 'ReviewConfirmed' }, { type: 'PrintDone' }], s.state);
    expect(retry.state.phase).toBe('awaiting-signature');
    expect(audits(retry.effects)).toEqual(['print:retry', 'print:done']);
  });

  it('the idle timeout wipes the case in any phase', () => {
    for (const state of [
      toReview(),
      run([open, place(), { type: 'MethodChosen', method: 'pin' }]).state,
    ]) {
      const s = run([{ type: 'IdleTimeout' }], state);
      expect(s.state).toEqual(INITIAL_STATE);
      expect(kinds(s.effects)).toContain('wipe-case');
      expect(audits(s.effects)).toEqual(['idle-timeout:wiped']);
    }
    expect(counterStep(policy, INITIAL_STATE, { type: 'IdleTimeout' }).ignored).toBe(true);
  });

  it('closing mid-case is a cancellation, and ends the card session on the reader', () => {
    const s = run([open, place(), { type: 'CaseClosed' }]);
    expect(s.effects.slice(-3)).toEqual([
      { kind: 'end-card-session', reader: 'R0' },
      { kind: 'wipe-case' },
      { kind: 'audit', entry: { step: 'case-closed', result: 'cancelled' } },
    ]);
  });

  it('unknown procedures, unknown persons, repeats and an empty choice are refused', () => {
    const ready = run([open, ...byPin('p1', 'card-a', 'person-a')]).state;
    for (const procedures of [
      [],
      [{ id: 'tax-return', persons: ['p1'] }],
      [{ id: 'resident-copy', persons: ['p7'] }],
      [{ id: 'resident-copy', persons: [] }],
      [
        { id: 'resident-copy', persons: ['p1'] },
        { id: 'resident-copy', persons: ['p1'] },
      ],
    ]) {
      const s = run([{ type: 'ProceduresChosen', procedures }], ready);
      expect(s.state).toMatchObject({
        phase: 'person-ready',
        notice: { code: 'procedures-invalid' },
      });
    }
  });
});

describe('counter flow: properties', () => {
  const event: fc.Arbitrary<CounterEvent> = fc.oneof(
    fc.constant(open),
    fc
      .constantFrom('card-a', 'card-b')
      .chain((c) => fc.constantFrom('R0', 'R1').map((r) => place(c, r))),
    fc.constantFrom('R0', 'R1').map(removed),
    fc
      .constantFrom('pin', 'face', 'staff-check')
      .map((method) => ({ type: 'MethodChosen', method }) as const),
    fc
      .boolean()
      .map((confirmLastTry) => ({ type: 'PinEntered', pin: secret(), confirmLastTry }) as const),
    fc.constant<CounterEvent>({ type: 'CodeBEntered', codeB: secret('55021720352285') }),
    fc.constant<CounterEvent>({ type: 'FaceReady' }),
    fc
      .record({ score: fc.double({ min: 0, max: 1, noNaN: true }), live: fc.boolean() })
      .map((r) => ({ type: 'FaceMatched', ...r }) as const),
    fc
      .constantFrom<FaceFailure>('no-face', 'camera-fault', 'camera-busy')
      .map((reason) => ({ type: 'FaceFailed', reason }) as const),
    fc.constant<CounterEvent>({ type: 'StaffCheckRecorded', reason: 'other' }),
    fc
      .constantFrom('p1', 'p2')
      .chain((person) =>
        fc
          .constantFrom('k1', 'k2')
          .map((personKey) => ({ type: 'CardRead', person, personKey }) as const),
      ),
    fc
      .constantFrom(
        'reader/pin-wrong',
        'reader/pin-blocked',
        'reader/card-removed',
        'reader/pin-last-try',
      )
      .map((code) => ({ type: 'CardReadFailed', code, triesLeft: 1 }) as const),
    fc
      .constantFrom('p1', 'p2')
      .map(
        (person) =>
          ({ type: 'LookupDone', person, outcome: 'found', residentKey: `r${person}` }) as const,
      ),
    fc.constantFrom('p1', 'p2').map((person) => ({ type: 'Offline', person }) as const),
    fc
      .record({
        person: fc.constantFrom('p1', 'p2'),
        answer: fc.constantFrom('agreed' as const, 'declined' as const),
      })
      .map((r) => ({ type: 'ConsentAnswered', ...r, at: 1 }) as const),
    fc.constant<CounterEvent>({
      type: 'ProceduresChosen',
      procedures: [{ id: 'nhi-enrol', persons: ['p1'] }],
    }),
    fc
      .constantFrom('p1', 'p2')
      .map((person) => ({ type: 'MyNumberSent', person, outcome: 'matches' }) as const),
    fc.constantFrom('p1', 'p2').map((person) => ({ type: 'MyNumberDeferred', person }) as const),
    fc.constant<CounterEvent>({ type: 'FormsReady', forms: 1, pages: 1, problems: 0 }),
    fc.constant<CounterEvent>({ type: 'ReviewConfirmed' }),
    fc.constantFrom<CounterEvent>(
      { type: 'PrintDone' },
      { type: 'PrintFailed', code: 'print/offline' },
    ),
    fc.constantFrom<CounterEvent>(
      { type: 'Signed' },
      { type: 'CaseClosed' },
      { type: 'IdleTimeout' },
    ),
  );

  it('any sequence of events: no exception, every secret used or discarded exactly once, audits are codes', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (events) => {
        let state = INITIAL_STATE;
        for (const e of events) {
          const s = counterStep(policy, state, e);
          const carried =
            e.type === 'PinEntered' ? [e.pin] : e.type === 'CodeBEntered' ? [e.codeB] : [];
          const used = s.effects.flatMap((x) =>
            x.kind === 'discard'
              ? [x.secret]
              : x.kind === 'open-face'
                ? [x.codeB]
                : (x.kind === 'read-card' || x.kind === 'read-my-number') && x.pin
                  ? [x.pin]
                  : [],
          );
          expect(used).toEqual(carried);
          for (const x of s.effects) {
            if (x.kind === 'audit') expect(JSON.stringify(x.entry)).toMatch(/^[\x20-\x7e]*$/);
          }
          expect(s.state.persons.length).toBeLessThanOrEqual(policy.maxPersons);
          // Nothing goes to the resident register without the holder's consent.
          for (const x of s.effects) {
            if (x.kind !== 'lookup') continue;
            const person = s.state.persons.find((p) => p.id === x.person);
            expect(person?.consent?.answer).toBe('agreed');
          }
          if (s.state.phase === 'idle') expect(s.state).toEqual(INITIAL_STATE);
          state = s.state;
        }
      }),
      { numRuns: 300 },
    );
  });
});
