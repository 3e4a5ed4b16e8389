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
import type { CounterEvent, CounterState, FaceFailure } from './types.ts';

describe('counter flow: the PIN path', () => {
  it('open → card → PIN → read → look-up → procedures → forms → review → print → sign → close', () => {
    const { state, effects } = run([
      open,
      ...byPin('p1', 'card-a', 'person-a'),
      { type: 'ProceduresChosen', procedures: [{ id: 'resident-copy', persons: ['p1'] }] },
      { type: 'FormsReady', forms: 1, pages: 1, problems: 0 },
      { type: 'ReviewConfirmed' },
      { type: 'PrintDone' },
      { type: 'Signed' },
    ]);
    expect(state.phase).toBe('signed');
    expect(state.persons).toMatchObject([{ id: 'p1', method: 'pin', lookup: 'found' }]);
    expect(kinds(effects)).toEqual(['read-card', 'lookup', 'fill-forms', 'print']);
    const read = effects.find((e) => e.kind === 'read-card');
    expect(read).toMatchObject({ person: 'p1', credential: 'pin', confirmLastTry: false });
    const closed = run([{ type: 'CaseClosed' }], state);
    expect(closed.state).toEqual(INITIAL_STATE);
    // The card is still on the reader: its session ends with the case.
    expect(kinds(closed.effects)).toEqual(['end-card-session', 'wipe-case']);
    expect(audits(closed.effects)).toEqual(['case-closed:closed']);
    expect(audits(effects)).toEqual([
      'case-opened:ok',
      'card-present:ok',
      'method:chosen',
      'card-read:ok',
      'consent:agreed',
      'lookup:found',
      'procedures:chosen',
      'forms:ready',
      'review:confirmed',
      'print:done',
      'signed:ok',
    ]);
  });

  it('a wrong PIN shows the tries left; the last try needs confirmation; then it is blocked', () => {
    const start = run([open, place(), { type: 'MethodChosen', method: 'pin' }]);
    const wrong = run(
      [
        { type: 'PinEntered', pin: secret('9999') },
        { type: 'CardReadFailed', code: 'reader/pin-wrong', triesLeft: 2 },
      ],
      start.state,
    );
    expect(wrong.state).toMatchObject({
      phase: 'pin-entry',
      notice: { code: 'pin-wrong', triesLeft: 2 },
    });
    const toLast = run(
      [
        { type: 'PinEntered', pin: secret('9999') },
        { type: 'CardReadFailed', code: 'reader/pin-wrong', triesLeft: 1 },
      ],
      wrong.state,
    );
    expect(toLast.state.attempt?.pin).toEqual({ state: 'ready', triesLeft: 1 });
    // Without confirmation the PIN never reaches the card: it is discarded.
    const unconfirmed = secret('1234');
    const refused = counterStep(policy, toLast.state, { type: 'PinEntered', pin: unconfirmed });
    expect(refused.state).toMatchObject({
      phase: 'pin-entry',
      notice: { code: 'confirm-last-try' },
    });
    expect(refused.effects).toEqual([{ kind: 'discard', secret: unconfirmed }]);
    const confirmed = run(
      [
        { type: 'PinEntered', pin: secret('0000'), confirmLastTry: true },
        { type: 'CardReadFailed', code: 'reader/pin-blocked' },
      ],
      refused.state,
    );
    expect(confirmed.effects.find((e) => e.kind === 'read-card')).toMatchObject({
      confirmLastTry: true,
    });
    // Blocked: the PIN is no longer offered; face authentication is.
    expect(confirmed.state).toMatchObject({
      phase: 'choosing-method',
      notice: { code: 'pin-blocked' },
    });
    expect(run([{ type: 'MethodChosen', method: 'pin' }], confirmed.state).state.phase).toBe(
      'choosing-method',
    );
    expect(audits([...wrong.effects, ...toLast.effects, ...confirmed.effects])).toEqual([
      'pin:failed',
      'pin:failed',
      'pin:blocked',
    ]);
  });

  it('a card blocked from the start offers face authentication only', () => {
    const { state } = run([
      open,
      place('card-a', 'R0', 0),
      { type: 'MethodChosen', method: 'pin' },
    ]);
    expect(state).toMatchObject({ phase: 'choosing-method', notice: { code: 'pin-blocked' } });
    expect(run([{ type: 'MethodChosen', method: 'staff-check' }], state).state.notice?.code).toBe(
      'staff-check-not-yet',
    );
  });
});

describe('counter flow: face authentication', () => {
  const toCamera = (): CounterState =>
    run([
      open,
      place(),
      { type: 'MethodChosen', method: 'face' },
      { type: 'CodeBEntered', codeB: secret('55021720352285') },
      { type: 'FaceReady' },
    ]).state;

  it('照合番号B opens the card face for the camera; a good live match reads with 照合番号B', () => {
    const codeB = secret('55021720352285');
    const steps = run([
      open,
      place(),
      { type: 'MethodChosen', method: 'face' },
      { type: 'CodeBEntered', codeB },
    ]);
    expect(steps.state.phase).toBe('opening-face');
    expect(steps.effects).toContainEqual({ kind: 'open-face', codeB, forCamera: true });
    const matched = run(
      [{ type: 'FaceReady' }, { type: 'FaceMatched', score: 0.93, live: true }],
      steps.state,
    );
    expect(kinds(matched.effects)).toEqual(['capture-face', 'clear-face', 'read-card']);
    expect(matched.effects.find((e) => e.kind === 'read-card')).toMatchObject({
      credential: 'code-b',
    });
    expect(matched.state.attempt?.method).toBe('face');
  });

  it('below the threshold or not live is a failed try; tries left are shown', () => {
    const low = run([{ type: 'FaceMatched', score: 0.79, live: true }], toCamera());
    expect(low.state).toMatchObject({
      phase: 'face-retry',
      notice: { code: 'face-failed', cause: 'below-threshold', triesLeft: 2 },
    });
    const spoof = run(
      [
        { type: 'MethodChosen', method: 'face' },
        { type: 'FaceMatched', score: 0.99, live: false },
      ],
      low.state,
    );
    expect(spoof.state).toMatchObject({ notice: { cause: 'not-live', triesLeft: 1 } });
    expect(kinds(spoof.effects)).toEqual(['capture-face']);
  });

  it('face fails to the limit → the PIN is offered → declined → staff check with a recorded reason', () => {
    const failures: FaceFailure[] = ['no-face', 'multiple-faces', 'below-threshold'];
    const events: CounterEvent[] = [];
    failures.forEach((reason, i) => {
      if (i > 0) events.push({ type: 'MethodChosen', method: 'face' });
      events.push(
        i === 2 ? { type: 'FaceMatched', score: 0.2, live: true } : { type: 'FaceFailed', reason },
      );
    });
    const limit = run(events, toCamera());
    expect(limit.state).toMatchObject({ phase: 'pin-entry', notice: { code: 'face-limit' } });
    expect(kinds(limit.effects)).toContain('clear-face');
    expect(run([{ type: 'MethodChosen', method: 'face' }], limit.state).state.notice?.code).toBe(
      'face-limit',
    );
    const staff = run(
      [
        { type: 'MethodChosen', method: 'staff-check' },
        { type: 'StaffCheckRecorded', reason: 'pin-forgotten' },
        { type: 'CardRead', person: 'p1', personKey: 'person-a' },
      ],
      limit.state,
    );
    expect(staff.effects.find((e) => e.kind === 'read-card')).toMatchObject({
      credential: 'code-b',
    });
    expect(staff.state.persons).toMatchObject([
      { method: 'staff-check', staffReason: 'pin-forgotten' },
    ]);
    const entry = staff.effects.find((e) => e.kind === 'audit' && e.entry.step === 'staff-check');
    expect(entry).toMatchObject({ entry: { result: 'recorded', codes: ['pin-forgotten'] } });
  });

  it('PIN first and blocked, then face fails: the staff check opens the card face with 照合番号B first', () => {
    const blocked = run([
      open,
      place('card-a', 'R0', 1),
      { type: 'MethodChosen', method: 'pin' },
      { type: 'PinEntered', pin: secret('0000'), confirmLastTry: true },
      { type: 'CardReadFailed', code: 'reader/pin-blocked' },
      { type: 'MethodChosen', method: 'face' },
      { type: 'CodeBEntered', codeB: secret('55021720352285') },
      { type: 'FaceFailed', reason: 'camera-unreachable' },
    ]);
    expect(blocked.state).toMatchObject({ phase: 'staff-check', notice: { code: 'pin-blocked' } });
    const early = run(
      [{ type: 'StaffCheckRecorded', reason: 'camera-unavailable' }],
      blocked.state,
    );
    expect(early.state.notice?.code).toBe('code-b-needed');
    const codeB = secret('55021720352285');
    const opened = run(
      [
        { type: 'CodeBEntered', codeB },
        { type: 'FaceReady' },
        { type: 'StaffCheckRecorded', reason: 'camera-unavailable' },
      ],
      early.state,
    );
    expect(opened.effects).toContainEqual({ kind: 'open-face', codeB, forCamera: false });
    expect(opened.state.phase).toBe('reading');
  });

  it('a camera fault ends face authentication without spending the holder’s tries', () => {
    const s = run([{ type: 'FaceFailed', reason: 'camera-fault' }], toCamera());
    expect(s.state).toMatchObject({ phase: 'pin-entry', notice: { code: 'camera-unavailable' } });
    expect(s.state.attempt).toMatchObject({ faceTries: 0, faceUnavailable: true });
    const busy = run([{ type: 'FaceFailed', reason: 'camera-busy' }], toCamera());
    expect(busy.state).toMatchObject({
      phase: 'face-retry',
      attempt: { faceTries: 0, faceUnavailable: false },
    });
  });

  it('without a camera fitted, face authentication is not offered; PIN, then the staff check', () => {
    const noCamera = { ...policy, faceCamera: false };
    let state = counterStep(noCamera, INITIAL_STATE, open).state;
    state = counterStep(noCamera, state, place()).state;
    const face = counterStep(noCamera, state, { type: 'MethodChosen', method: 'face' });
    expect(face.state).toMatchObject({
      phase: 'choosing-method',
      notice: { code: 'camera-unavailable' },
    });
    state = counterStep(noCamera, face.state, { type: 'MethodChosen', method: 'pin' }).state;
    const staff = counterStep(noCamera, state, { type: 'MethodChosen', method: 'staff-check' });
    expect(staff.state.phase).toBe('staff-check');
  });

  it('a wrong 照合番号B shows the tries left and asks again', () => {
    const s = run([
      open,
      place(),
      { type: 'MethodChosen', method: 'face' },
      { type: 'CodeBEntered', codeB: secret('80021720352285') },
      { type: 'CardReadFailed', code: 'reader/pin-wrong', triesLeft: 9 },
    ]);
    expect(s.state).toMatchObject({
      phase: 'code-b-entry',
      notice: { code: 'code-b-wrong', triesLeft: 9 },
    });
  });
});

describe('counter flow: cards that go wrong', () => {
  it('a card pulled mid-read: the attempt and anything read are wiped; a late read is wiped too', () => {
    const s = run([
      open,
      place(),
      { type: 'MethodChosen', method: 'pin' },
      { type: 'PinEntered', pin: secret() },
      removed(),
    ]);
    expect(s.state).toMatchObject({ phase: 'awaiting-card', notice: { code: 'card-removed' } });
    expect(s.state.attempt).toBeUndefined();
    expect(kinds(s.effects).slice(-2)).toEqual(['end-card-session', 'wipe-person']);
    const late = counterStep(policy, s.state, { type: 'CardRead', person: 'p1', personKey: 'x' });
    expect(late).toMatchObject({ ignored: true, effects: [{ kind: 'wipe-person', person: 'p1' }] });
    expect(late.state.persons).toEqual([]);
    const failed = counterStep(policy, s.state, {
      type: 'CardReadFailed',
      code: 'reader/card-removed',
    });
    expect(failed.ignored).toBe(true);
  });

  it('a card swapped during the read is refused and nothing of it is kept', () => {
    const s = run([
      open,
      place(),
      { type: 'MethodChosen', method: 'pin' },
      { type: 'PinEntered', pin: secret() },
      { type: 'CardReadFailed', code: 'reader/card-swapped' },
    ]);
    expect(s.state).toMatchObject({ phase: 'awaiting-card', notice: { code: 'card-swapped' } });
    expect(kinds(s.effects)).toContain('wipe-person');
  });

  it('a card that is not proven genuine is refused; another card is not a My Number Card', () => {
    const s = run([
      open,
      place(),
      { type: 'MethodChosen', method: 'pin' },
      { type: 'PinEntered', pin: secret() },
      { type: 'CardReadFailed', code: 'counter/not-genuine' },
    ]);
    expect(s.state.notice?.code).toBe('card-not-genuine');
    const other = run([{ type: 'CardUnusable', reader: 'R1', code: 'reader/wrong-card' }], s.state);
    expect(other.state.notice).toEqual({
      code: 'not-a-my-number-card',
      cause: 'reader/wrong-card',
    });
  });

  it('removing the card after its read ends its card session and keeps the person', () => {
    const s = run([open, ...byPin('p1', 'card-a', 'person-a'), removed()]);
    expect(s.state.phase).toBe('person-ready');
    expect(s.state.attempt).toBeUndefined();
    expect(s.state.persons).toHaveLength(1);
    expect(s.effects.at(-2)).toEqual({ kind: 'end-card-session', reader: 'R0' });
    expect(audits(s.effects).at(-1)).toBe('card-removed:after-read');
  });

  it('a second card while the first is being authenticated waits its turn', () => {
    const s = run([open, place('card-a', 'R0'), place('card-b', 'R1')]);
    expect(s.ignored).toEqual(['CardPresent']);
    expect(s.state.attempt?.cardKey).toBe('card-a');
  });
});
