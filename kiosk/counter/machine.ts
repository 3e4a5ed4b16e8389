/**
 * The write-less counter's flow, as a pure state machine over typed events (style.md rule 8):
 *
 *   open case → card placed → PIN, or face authentication (照合番号B, camera), or after both a
 *   staff check with a recorded reason → verified read → the holder's consent to the look-up →
 *   resident look-up by all four items (offline: pending; declined: card only) → [next
 *   household member's card …] → procedures → My Numbers for
 *   個人番号利用事務 → forms → review → print → sign → close
 *
 * `counterStep(policy, state, event)` returns the next state and the effects to perform; an
 * event that does not apply in the current phase changes nothing (`ignored`), and any secret it
 * carried is discarded. Card removal, a pulled or swapped card, a failing camera, an offline
 * backend or a failed print are states with a notice, never exceptions. Closing the case, and
 * the idle timeout, wipe everything the case held (the service overwrites its vault).
 */
import {
  cardRead,
  cardReadFailed,
  chooseMethod,
  codeBEntered,
  faceOpenFailed,
  faceReady,
  faceResult,
  pinEntered,
  refusedButOnReader,
  staffCheckRecorded,
} from './auth.ts';
import { consentAnswered } from './consent.ts';
import {
  formsDone,
  myNumberCard,
  myNumberDone,
  printDone,
  proceduresChosen,
  reviewConfirmed,
} from './plan.ts';
import { audit, dropAttempt, go, ignore, waitingPhase, type Step } from './step.ts';
import {
  INITIAL_STATE,
  type Attempt,
  type CounterEffect,
  type CounterEvent,
  type CounterPolicy,
  type CounterState,
  type Person,
  type Phase,
} from './types.ts';
import { assertNever } from '../../shared/errors.ts';

export type { Step } from './step.ts';

type EventOf<T extends CounterEvent['type']> = Extract<CounterEvent, { type: T }>;

const METHOD_PHASES: ReadonlySet<Phase> = new Set([
  'choosing-method',
  'pin-entry',
  'code-b-entry',
  'face-retry',
  'staff-check',
]);
const NEW_CARD_PHASES: ReadonlySet<Phase> = new Set(['awaiting-card', 'person-ready']);
const PROCEDURE_PHASES: ReadonlySet<Phase> = new Set(['person-ready', 'review', 'print-failed']);

/** Ends the case: everything it held is wiped, whatever the phase. */
function close(state: CounterState, step: 'case-closed' | 'idle-timeout'): Step {
  const result =
    step === 'idle-timeout' ? 'wiped' : state.phase === 'signed' ? 'closed' : 'cancelled';
  const effects: CounterEffect[] = [];
  if (state.attempt) effects.push({ kind: 'end-card-session', reader: state.attempt.reader });
  effects.push({ kind: 'wipe-case' }, audit({ step, result }));
  return { state: INITIAL_STATE, effects };
}

function newAttempt(
  state: CounterState,
  policy: CounterPolicy,
  event: EventOf<'CardPresent'>,
): Attempt {
  return {
    reader: event.reader,
    cardKey: event.probe.cardKey,
    person: `p${state.persons.length + 1}`,
    purpose: 'new-person',
    pin: event.probe.pin,
    pinOffered: false,
    faceTries: 0,
    faceUnavailable: !policy.faceCamera,
    faceReady: false,
    read: false,
  };
}

function cardPresent(
  state: CounterState,
  policy: CounterPolicy,
  event: EventOf<'CardPresent'>,
): Step {
  const current = state.attempt;
  if (current && (current.reader === event.reader || !current.read)) {
    return {
      state: go(state, state.phase, {}, { code: 'one-card-at-a-time' }),
      effects: [],
      ignored: true,
    };
  }
  // A finished card still lying on another reader: its session ends as the next card begins.
  const ended: CounterEffect[] = current
    ? [{ kind: 'end-card-session', reader: current.reader }]
    : [];
  if (state.phase === 'my-number') {
    const s = myNumberCard(state, event);
    return { ...s, effects: [...ended, ...s.effects] };
  }
  if (!NEW_CARD_PHASES.has(state.phase)) return ignore(state, event);
  const refuse = (code: 'same-card-twice' | 'household-full', reason: string): Step => ({
    state: go(state, state.phase, {}, { code }),
    effects: [...ended, audit({ step: 'card-refused', result: 'refused', codes: [reason] })],
  });
  if (state.persons.some((p) => p.cardKey === event.probe.cardKey)) {
    return refuse('same-card-twice', 'counter/same-card');
  }
  if (state.persons.length >= policy.maxPersons)
    return refuse('household-full', 'counter/household-full');
  const attempt = newAttempt(state, policy, event);
  const { attempt: _previous, ...rest } = state;
  return {
    state: go(
      { ...rest },
      'choosing-method',
      { attempt },
      attempt.pin.state === 'blocked' ? { code: 'pin-blocked' } : undefined,
    ),
    effects: [...ended, audit({ step: 'card-present', result: 'ok', person: attempt.person })],
  };
}

function cardRemoved(state: CounterState, event: EventOf<'CardRemoved'>): Step {
  const a = state.attempt;
  if (!a || a.reader !== event.reader) return ignore(state, event);
  const end: CounterEffect = { kind: 'end-card-session', reader: a.reader };
  if (a.read) {
    // The card's part is over: its session is wiped; the person's values stay in the case.
    const { attempt: _gone, ...rest } = state;
    return {
      state: { ...rest },
      effects: [end, audit({ step: 'card-removed', result: 'after-read', person: a.person })],
    };
  }
  const removed = audit({ step: 'card-removed', result: 'before-read', person: a.person });
  if (a.purpose === 'my-number') {
    const { attempt: _gone, ...rest } = state;
    return {
      state: go({ ...rest }, 'my-number', {}, { code: 'place-card', person: a.person }),
      effects: [end, removed],
    };
  }
  return {
    state: dropAttempt(state, { code: 'card-removed' }),
    effects: [end, { kind: 'wipe-person', person: a.person }, removed],
  };
}

function lookupResult(
  state: CounterState,
  event: EventOf<'LookupDone'> | EventOf<'LookupFailed'> | EventOf<'Offline'>,
): Step {
  const person = state.persons.find((p) => p.id === event.person);
  if (state.phase !== 'looking-up' || person?.lookup !== 'running') return ignore(state, event);
  const residentKey = event.type === 'LookupDone' ? event.residentKey : undefined;
  if (residentKey && state.persons.some((p) => p.residentKey === residentKey)) {
    // Two cards for one resident of the register: the second is refused (seeds-B §2.6).
    const without = { ...state, persons: state.persons.filter((p) => p.id !== person.id) };
    return {
      state: without.attempt
        ? refusedButOnReader(without, { code: 'same-person-twice' })
        : dropAttempt(without, { code: 'same-person-twice' }),
      effects: [
        { kind: 'wipe-person', person: person.id },
        audit({
          step: 'card-refused',
          result: 'refused',
          person: person.id,
          codes: ['counter/same-resident'],
        }),
      ],
    };
  }
  const lookup: Person['lookup'] =
    event.type === 'LookupDone' ? event.outcome : event.type === 'Offline' ? 'offline' : 'failed';
  const persons = state.persons.map((p) =>
    p.id === person.id ? { ...p, lookup, ...(residentKey ? { residentKey } : {}) } : p,
  );
  const notice =
    lookup === 'found'
      ? undefined
      : lookup === 'not-found'
        ? ({ code: 'lookup-not-found', person: person.id } as const)
        : lookup === 'ambiguous'
          ? ({ code: 'lookup-ambiguous', person: person.id } as const)
          : ({
              code: 'lookup-pending',
              person: person.id,
              ...(event.type === 'LookupFailed' ? { cause: event.code } : {}),
            } as const);
  return {
    state: go(state, 'person-ready', { persons }, notice),
    effects: [
      audit({
        step: 'lookup',
        result: lookup,
        person: person.id,
        ...(event.type === 'LookupFailed' ? { codes: [event.code] } : {}),
      }),
    ],
  };
}

/** Routes an event that applies only in some phases; everything else is ignored. */
function inPhase(state: CounterState, policy: CounterPolicy, event: CounterEvent): Step {
  const p = state.phase;
  const a = state.attempt;
  switch (event.type) {
    case 'CaseOpened':
    case 'CaseClosed':
    case 'IdleTimeout':
      return ignore(state, event); // handled before
    case 'CardPresent':
      return cardPresent(state, policy, event);
    case 'CardUnusable':
      return NEW_CARD_PHASES.has(p) || p === 'my-number'
        ? {
            state: go(state, p, {}, { code: 'not-a-my-number-card', cause: event.code }),
            effects: [audit({ step: 'card-refused', result: 'refused', codes: [event.code] })],
          }
        : ignore(state, event);
    case 'CardRemoved':
      return cardRemoved(state, event);
    case 'MethodChosen':
      return METHOD_PHASES.has(p) && a && !a.read
        ? chooseMethod(state, policy, event.method)
        : ignore(state, event);
    case 'PinEntered':
      return (p === 'pin-entry' || (p === 'my-number' && a?.purpose === 'my-number')) && a
        ? pinEntered(state, policy, event)
        : ignore(state, event);
    case 'CodeBEntered':
      return (p === 'code-b-entry' || (p === 'staff-check' && a && !a.faceReady)) && a
        ? codeBEntered(state, event)
        : ignore(state, event);
    case 'FaceReady':
      return p === 'opening-face' ? faceReady(state) : ignore(state, event);
    case 'FaceMatched':
      return p === 'face-capturing' ? faceResult(state, policy, event) : ignore(state, event);
    case 'FaceFailed':
      return p === 'face-capturing' || p === 'opening-face'
        ? faceResult(state, policy, event)
        : ignore(state, event);
    case 'StaffCheckRecorded':
      return p === 'staff-check' ? staffCheckRecorded(state, event.reason) : ignore(state, event);
    case 'CardRead':
      return cardRead(state, event);
    case 'CardReadFailed':
      if (p === 'reading') return cardReadFailed(state, policy, event);
      return p === 'opening-face' ? faceOpenFailed(state, policy, event) : ignore(state, event);
    case 'ConsentAnswered':
      return consentAnswered(state, event);
    case 'LookupDone':
    case 'LookupFailed':
    case 'Offline':
      return lookupResult(state, event);
    case 'ProceduresChosen':
      return PROCEDURE_PHASES.has(p)
        ? proceduresChosen(state, policy, event)
        : ignore(state, event);
    case 'MyNumberSent':
    case 'MyNumberFailed':
      return p === 'reading-my-number' ? myNumberDone(state, event) : ignore(state, event);
    case 'MyNumberDeferred':
      return p === 'my-number' ? myNumberDone(state, event) : ignore(state, event);
    case 'FormsReady':
    case 'FormsFailed':
      return p === 'filling-forms' ? formsDone(state, event) : ignore(state, event);
    case 'ReviewConfirmed':
      return p === 'review' || p === 'print-failed'
        ? reviewConfirmed(state, event)
        : ignore(state, event);
    case 'PrintDone':
    case 'PrintFailed':
      return p === 'printing' ? printDone(state, event) : ignore(state, event);
    case 'Signed':
      return p === 'awaiting-signature'
        ? { state: go(state, 'signed'), effects: [audit({ step: 'signed', result: 'ok' })] }
        : ignore(state, event);
    default:
      return assertNever(event, 'counter event');
  }
}

export function counterStep(policy: CounterPolicy, state: CounterState, event: CounterEvent): Step {
  if (event.type === 'CaseOpened') {
    if (state.phase !== 'idle') return ignore(state, event);
    return {
      state: go(INITIAL_STATE, 'awaiting-card', { caseId: event.caseId }),
      effects: [audit({ step: 'case-opened', result: 'ok' })],
    };
  }
  if (state.phase === 'idle') return ignore(state, event);
  if (event.type === 'CaseClosed') return close(state, 'case-closed');
  if (event.type === 'IdleTimeout') return close(state, 'idle-timeout');
  return inPhase(state, policy, event);
}

export { INITIAL_STATE, waitingPhase };
