/**
 * Authentication of the card holder and the verified read, pure (types.ts has the events).
 * The order follows the face-auth card readers residents know from clinics (seeds-B §3.1): the
 * PIN on the keypad, or face authentication, where staff key in 照合番号B from the card face,
 * the surface AP's photo goes to the camera and the camera compares it with the live face. After
 * the configured number of failed face tries the PIN is offered; when the PIN cannot be used
 * either (blocked, forgotten), staff check the holder against the card photo themselves and
 * record why. The PIN rules are the reader's (reader/mynumber/credentials.ts): tries left are
 * shown, the last try needs the holder's confirmation, nothing is retried on our own.
 */
import { CREDENTIAL } from '../../reader/mynumber/constants.ts';
import { audit, dropAttempt, go, ignore, withAttempt, type Step } from './step.ts';
import type {
  Attempt,
  AuthMethod,
  CounterEffect,
  CounterEvent,
  CounterPolicy,
  CounterState,
  FaceFailure,
  Notice,
  StaffCheckReason,
} from './types.ts';

type EventOf<T extends CounterEvent['type']> = Extract<CounterEvent, { type: T }>;

export function faceExhausted(a: Attempt, policy: Pick<CounterPolicy, 'faceAttempts'>): boolean {
  return a.faceUnavailable || a.faceTries >= policy.faceAttempts;
}

/** The staff check comes last: face authentication used up, and the PIN blocked or declined. */
export function staffCheckAllowed(
  a: Attempt,
  policy: Pick<CounterPolicy, 'faceAttempts'>,
): boolean {
  return faceExhausted(a, policy) && (a.pin.state === 'blocked' || a.pinOffered);
}

/** Failures that are the holder's tries; the others say the camera cannot be used. */
const COUNTED: ReadonlySet<FaceFailure> = new Set([
  'below-threshold',
  'not-live',
  'no-face',
  'multiple-faces',
  'window-elapsed',
  'timeout',
]);

function lastTryNotice(a: Attempt): Notice | undefined {
  return a.pin.state === 'ready' && a.pin.triesLeft === 1
    ? { code: 'confirm-last-try', triesLeft: 1 }
    : undefined;
}

/** Offers the PIN; when it is blocked, face authentication, else the staff check. */
function toPin(state: CounterState, policy: CounterPolicy, notice?: Notice): CounterState {
  const a = state.attempt as Attempt;
  if (a.pin.state === 'blocked') {
    return faceExhausted(a, policy)
      ? withAttempt(state, 'staff-check', { method: 'staff-check' }, { code: 'pin-blocked' })
      : withAttempt(state, 'choosing-method', {}, { code: 'pin-blocked' });
  }
  return withAttempt(state, 'pin-entry', { pinOffered: true }, notice ?? lastTryNotice(a));
}

function toFace(state: CounterState, policy: CounterPolicy): Step {
  const a = state.attempt as Attempt;
  if (faceExhausted(a, policy)) {
    return {
      state: withAttempt(
        state,
        state.phase,
        {},
        {
          code: a.faceUnavailable ? 'camera-unavailable' : 'face-limit',
        },
      ),
      effects: [],
    };
  }
  if (a.faceReady) {
    return {
      state: withAttempt(state, 'face-capturing', { method: 'face' }),
      effects: [{ kind: 'capture-face' }],
    };
  }
  return { state: withAttempt(state, 'code-b-entry', { method: 'face' }), effects: [] };
}

export function chooseMethod(state: CounterState, policy: CounterPolicy, method: AuthMethod): Step {
  const a = state.attempt as Attempt;
  const chosen = audit({ step: 'method', result: 'chosen', method, person: a.person });
  switch (method) {
    case 'pin':
      return { state: toPin(state, policy), effects: [chosen] };
    case 'face': {
      const s = toFace(state, policy);
      return { ...s, effects: [chosen, ...s.effects] };
    }
    case 'staff-check':
      if (!staffCheckAllowed(a, policy)) {
        return {
          state: withAttempt(state, state.phase, {}, { code: 'staff-check-not-yet' }),
          effects: [],
        };
      }
      return {
        state: withAttempt(state, 'staff-check', { method: 'staff-check' }),
        effects: [chosen],
      };
  }
}

export function pinEntered(
  state: CounterState,
  policy: CounterPolicy,
  event: EventOf<'PinEntered'>,
): Step {
  const a = state.attempt as Attempt;
  if (a.pin.state !== 'ready') return ignore(state, event);
  const lastTry = a.pin.triesLeft === 1;
  if (lastTry && event.confirmLastTry !== true) {
    return {
      state: withAttempt(state, 'pin-entry', {}, { code: 'confirm-last-try', triesLeft: 1 }),
      effects: [{ kind: 'discard', secret: event.pin }],
    };
  }
  const effect: CounterEffect =
    a.purpose === 'my-number'
      ? {
          kind: 'read-my-number',
          person: a.person,
          pin: event.pin,
          confirmLastTry: lastTry,
          procedures: myNumberProcedures(state, policy),
        }
      : {
          kind: 'read-card',
          person: a.person,
          credential: 'pin',
          pin: event.pin,
          confirmLastTry: lastTry,
        };
  const phase = a.purpose === 'my-number' ? 'reading-my-number' : 'reading';
  return { state: withAttempt(state, phase, { method: 'pin' }), effects: [effect] };
}

/** The case's 個人番号利用事務 procedures for the attempt's person: what the number is read for. */
function myNumberProcedures(state: CounterState, policy: CounterPolicy): string[] {
  const person = state.attempt?.person;
  return state.procedures
    .filter((p) => person && p.persons.includes(person) && policy.procedures.get(p.id)?.myNumberUse)
    .map((p) => p.id);
}

export function codeBEntered(state: CounterState, event: EventOf<'CodeBEntered'>): Step {
  const forCamera = state.phase === 'code-b-entry';
  return {
    state: withAttempt(state, 'opening-face', {}),
    effects: [{ kind: 'open-face', codeB: event.codeB, forCamera }],
  };
}

export function faceReady(state: CounterState): Step {
  const a = state.attempt as Attempt;
  if (a.method === 'staff-check') {
    return { state: withAttempt(state, 'staff-check', { faceReady: true }), effects: [] };
  }
  return {
    state: withAttempt(state, 'face-capturing', { faceReady: true }),
    effects: [{ kind: 'capture-face' }],
  };
}

/** 照合番号B refused while opening the card face: tries left, or no face authentication. */
export function faceOpenFailed(
  state: CounterState,
  policy: CounterPolicy,
  event: EventOf<'CardReadFailed'>,
): Step {
  const a = state.attempt as Attempt;
  const failed = audit({
    step: 'code-b',
    result: 'failed',
    person: a.person,
    codes: [event.code],
  });
  if (event.code === 'reader/pin-wrong' || event.code === 'reader/pin-invalid') {
    const back = a.method === 'staff-check' ? 'staff-check' : 'code-b-entry';
    const notice: Notice = {
      code: 'code-b-wrong',
      cause: event.code,
      ...(event.triesLeft === undefined ? {} : { triesLeft: event.triesLeft }),
    };
    return { state: withAttempt(state, back, {}, notice), effects: [failed] };
  }
  // Blocked, or one try left (staff re-read the card rather than spend it): no 照合番号B path.
  const without = withAttempt(state, state.phase, { faceUnavailable: true });
  return {
    state: toPin(without, policy, { code: 'camera-unavailable', cause: event.code }),
    effects: [failed],
  };
}

export function faceResult(
  state: CounterState,
  policy: CounterPolicy,
  event: EventOf<'FaceMatched'> | EventOf<'FaceFailed'>,
): Step {
  const a = state.attempt as Attempt;
  const reason: FaceFailure | undefined =
    event.type === 'FaceFailed'
      ? event.reason
      : !event.live
        ? 'not-live'
        : event.score < policy.faceThreshold
          ? 'below-threshold'
          : undefined;
  if (reason === undefined) {
    return {
      state: withAttempt(state, 'reading', { method: 'face' }),
      effects: [
        audit({ step: 'face', result: 'matched', method: 'face', person: a.person }),
        { kind: 'clear-face' },
        { kind: 'read-card', person: a.person, credential: 'code-b', confirmLastTry: false },
      ],
    };
  }
  const noted = audit({ step: 'face', result: 'not-matched', person: a.person, codes: [reason] });
  if (reason === 'camera-busy') {
    return {
      state: withAttempt(state, 'face-retry', {}, { code: 'face-failed', cause: reason }),
      effects: [noted],
    };
  }
  const faceTries = a.faceTries + (COUNTED.has(reason) ? 1 : 0);
  const faceUnavailable = a.faceUnavailable || !COUNTED.has(reason);
  const next = withAttempt(state, state.phase, { faceTries, faceUnavailable });
  const after = next.attempt as Attempt;
  if (!faceExhausted(after, policy)) {
    const notice: Notice = {
      code: 'face-failed',
      cause: reason,
      triesLeft: policy.faceAttempts - faceTries,
    };
    return { state: withAttempt(next, 'face-retry', {}, notice), effects: [noted] };
  }
  const notice: Notice = {
    code: faceUnavailable ? 'camera-unavailable' : 'face-limit',
    cause: reason,
  };
  return { state: toPin(next, policy, notice), effects: [noted, { kind: 'clear-face' }] };
}

export function staffCheckRecorded(state: CounterState, reason: StaffCheckReason): Step {
  const a = state.attempt as Attempt;
  if (!a.faceReady) {
    return { state: withAttempt(state, 'staff-check', {}, { code: 'code-b-needed' }), effects: [] };
  }
  return {
    state: withAttempt(state, 'reading', { method: 'staff-check', staffReason: reason }),
    effects: [
      audit({
        step: 'staff-check',
        result: 'recorded',
        method: 'staff-check',
        person: a.person,
        codes: [reason],
      }),
      { kind: 'clear-face' },
      { kind: 'read-card', person: a.person, credential: 'code-b', confirmLastTry: false },
    ],
  };
}

/**
 * The verified read arrived: a new person in the case, unless the same person is there already;
 * next, the holder's consent to the look-up.
 */
export function cardRead(state: CounterState, event: EventOf<'CardRead'>): Step {
  const a = state.attempt;
  if (!a || a.person !== event.person || state.phase !== 'reading') {
    // A read that finished after its card was pulled: nothing of it may stay.
    return { state, effects: [{ kind: 'wipe-person', person: event.person }], ignored: true };
  }
  if (state.persons.some((p) => p.personKey === event.personKey)) {
    return {
      state: refusedButOnReader(state, { code: 'same-person-twice' }),
      effects: [
        audit({
          step: 'card-refused',
          result: 'refused',
          person: a.person,
          codes: ['counter/same-person'],
        }),
        { kind: 'wipe-person', person: a.person },
        { kind: 'end-card-session', reader: a.reader },
      ],
    };
  }
  const method = a.method ?? 'pin';
  // The four items stay on the kiosk until the holder agrees to the look-up (consent.ts).
  return {
    state: go(state, 'consent', {
      // A PIN the card accepted has its counter back at the maximum.
      attempt: {
        ...a,
        read: true,
        pin: method === 'pin' ? { state: 'ready', triesLeft: CREDENTIAL.PIN_TRIES } : a.pin,
      },
      persons: [
        ...state.persons,
        {
          id: a.person,
          cardKey: a.cardKey,
          personKey: event.personKey,
          method,
          ...(a.staffReason ? { staffReason: a.staffReason } : {}),
          lookup: 'awaiting-consent',
          myNumber: 'not-needed',
        },
      ],
    }),
    effects: [audit({ step: 'card-read', result: 'ok', method, person: a.person })],
  };
}

/**
 * A refused card stays on the reader until it is taken away: kept as a finished attempt, so
 * its removal ends its card session like any removal after a read.
 */
export function refusedButOnReader(state: CounterState, notice: Notice): CounterState {
  const a = state.attempt as Attempt;
  return { ...dropAttempt(state, notice), attempt: { ...a, read: true } };
}

const CARD_LOST: Readonly<Record<string, Notice['code']>> = {
  'reader/card-removed': 'card-removed',
  'reader/card-reset': 'card-removed',
  'reader/no-card': 'card-removed',
  'reader/card-swapped': 'card-swapped',
  'counter/not-genuine': 'card-not-genuine',
  'reader/wrong-card': 'not-a-my-number-card',
};

export function cardReadFailed(
  state: CounterState,
  policy: CounterPolicy,
  event: EventOf<'CardReadFailed'>,
): Step {
  const a = state.attempt as Attempt;
  const failed = audit({
    step: a.method === 'pin' ? 'pin' : 'card-read',
    result: event.code === 'reader/pin-blocked' ? 'blocked' : 'failed',
    ...(a.method ? { method: a.method } : {}),
    person: a.person,
    codes: [event.code],
  });
  const tries = event.triesLeft;
  switch (event.code) {
    case 'reader/pin-wrong':
      return {
        state: toPin(
          withAttempt(state, state.phase, { pin: { state: 'ready', triesLeft: tries ?? 1 } }),
          policy,
          {
            code: 'pin-wrong',
            triesLeft: tries ?? 1,
          },
        ),
        effects: [failed],
      };
    case 'reader/pin-last-try':
      return {
        state: toPin(
          withAttempt(state, state.phase, { pin: { state: 'ready', triesLeft: 1 } }),
          policy,
        ),
        effects: [failed],
      };
    case 'reader/pin-invalid':
      return { state: toPin(state, policy, { code: 'pin-invalid' }), effects: [failed] };
    case 'reader/pin-blocked':
      return {
        state: toPin(withAttempt(state, state.phase, { pin: { state: 'blocked' } }), policy),
        effects: [failed],
      };
  }
  const lost = CARD_LOST[event.code];
  if (lost) {
    return {
      state: dropAttempt(state, { code: lost, cause: event.code }),
      effects: [
        failed,
        { kind: 'wipe-person', person: a.person },
        { kind: 'end-card-session', reader: a.reader },
      ],
    };
  }
  return {
    state: withAttempt(state, 'choosing-method', {}, { code: 'read-failed', cause: event.code }),
    effects: [failed],
  };
}
