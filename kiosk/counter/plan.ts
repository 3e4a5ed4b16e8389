/**
 * After the verified reads: the procedures staff choose for the visit, the My Number for those
 * that are 個人番号利用事務 (read from the chip with the holder's PIN, sent to the backend only;
 * never typed by staff: seeds-B §2.6), the forms, the review, printing and the signature. Pure.
 */
import { audit, go, ignore, withAttempt, type Step } from './step.ts';
import type {
  Attempt,
  CounterEvent,
  CounterPolicy,
  CounterState,
  MyNumberStatus,
  Notice,
  Person,
} from './types.ts';

type EventOf<T extends CounterEvent['type']> = Extract<CounterEvent, { type: T }>;

const SENT: ReadonlySet<MyNumberStatus> = new Set(['matches', 'differs', 'no-record']);

function invalid(state: CounterState, why: string): Step {
  return {
    state: go(state, state.phase, {}, { code: 'procedures-invalid', cause: why }),
    effects: [],
  };
}

/** Staff chose the visit's procedures (again, when they change their mind at the review). */
export function proceduresChosen(
  state: CounterState,
  policy: CounterPolicy,
  event: EventOf<'ProceduresChosen'>,
): Step {
  const chosen = event.procedures;
  const ids = chosen.map((p) => p.id);
  const known = new Set(state.persons.map((p) => p.id));
  if (chosen.length === 0) return invalid(state, 'counter/no-procedure');
  if (new Set(ids).size !== ids.length) return invalid(state, 'counter/procedure-twice');
  if (ids.some((id) => !policy.procedures.has(id)))
    return invalid(state, 'counter/unknown-procedure');
  if (chosen.some((p) => p.persons.length === 0 || p.persons.some((id) => !known.has(id))))
    return invalid(state, 'counter/unknown-person');
  if (state.persons.some((p) => p.lookup === 'running'))
    return invalid(state, 'counter/lookup-running');
  const needsNumber = new Set(
    chosen.filter((p) => policy.procedures.get(p.id)?.myNumberUse).flatMap((p) => p.persons),
  );
  const persons: Person[] = state.persons.map((p) => ({
    ...p,
    myNumber: !needsNumber.has(p.id)
      ? 'not-needed'
      : SENT.has(p.myNumber)
        ? p.myNumber
        : // Declined the look-up: no record to check the number against, so it is not read.
          p.lookup === 'declined'
          ? 'pending'
          : 'needed',
  }));
  const queue = persons.filter((p) => p.myNumber === 'needed').map((p) => p.id);
  const next = go(state, state.phase, { persons, procedures: chosen, myNumberQueue: queue });
  const step = nextMyNumber(next);
  return {
    state: step.state,
    effects: [audit({ step: 'procedures', result: 'chosen', procedures: ids }), ...step.effects],
  };
}

/** The next person whose My Number is to be read, or the forms when there is none. */
function nextMyNumber(state: CounterState, notice?: Notice): Step {
  const head = state.myNumberQueue[0];
  if (head === undefined) {
    const { forms: _old, ...rest } = state;
    return {
      state: go({ ...rest }, 'filling-forms', {}, notice),
      effects: [{ kind: 'fill-forms' }],
    };
  }
  const person = state.persons.find((p) => p.id === head) as Person;
  const a = state.attempt;
  if (a && a.cardKey === person.cardKey) {
    const attempt: Attempt = {
      ...a,
      person: head,
      purpose: 'my-number',
      read: false,
      pinOffered: true,
    };
    return {
      state: go(state, 'my-number', { attempt }, notice ?? pinNotice(attempt, head)),
      effects: [],
    };
  }
  return {
    state: go(state, 'my-number', {}, notice ?? { code: 'place-card', person: head }),
    effects: [],
  };
}

function pinNotice(a: Attempt, person: string): Notice | undefined {
  if (a.pin.state === 'blocked') return { code: 'pin-blocked', person };
  return a.pin.triesLeft === 1 ? { code: 'confirm-last-try', triesLeft: 1, person } : undefined;
}

function settle(
  state: CounterState,
  person: string,
  status: MyNumberStatus,
  notice?: Notice,
): Step {
  const persons = state.persons.map((p) => (p.id === person ? { ...p, myNumber: status } : p));
  const myNumberQueue = state.myNumberQueue.filter((id) => id !== person);
  const a = state.attempt;
  // The card stays the person's card on the reader; it no longer gives a My Number.
  const attempt = a ? { ...a, read: true, purpose: 'new-person' as const } : undefined;
  const next = go(state, state.phase, { persons, myNumberQueue, ...(attempt ? { attempt } : {}) });
  const step = nextMyNumber(next, notice);
  const result = status === 'pending' ? 'deferred' : status;
  return {
    state: step.state,
    effects: [audit({ step: 'my-number', result, person }), ...step.effects],
  };
}

/** A card placed while a person's My Number is awaited: theirs, or refused. */
export function myNumberCard(state: CounterState, event: EventOf<'CardPresent'>): Step {
  const head = state.myNumberQueue[0];
  const person = state.persons.find((p) => p.id === head);
  if (!person || event.probe.cardKey !== person.cardKey) {
    return {
      state: go(
        state,
        'my-number',
        {},
        { code: 'wrong-card-for-person', ...(head ? { person: head } : {}) },
      ),
      effects: [
        audit({
          step: 'card-refused',
          result: 'refused',
          codes: ['counter/wrong-card-for-person'],
        }),
      ],
    };
  }
  const attempt: Attempt = {
    reader: event.reader,
    cardKey: event.probe.cardKey,
    person: person.id,
    purpose: 'my-number',
    pin: event.probe.pin,
    pinOffered: true,
    faceTries: 0,
    faceUnavailable: false,
    faceReady: false,
    read: false,
  };
  return { state: go(state, 'my-number', { attempt }, pinNotice(attempt, person.id)), effects: [] };
}

export function myNumberDone(
  state: CounterState,
  event: EventOf<'MyNumberSent'> | EventOf<'MyNumberFailed'> | EventOf<'MyNumberDeferred'>,
): Step {
  if (state.myNumberQueue[0] !== event.person) return ignore(state, event);
  if (event.type === 'MyNumberSent') return settle(state, event.person, event.outcome);
  if (event.type === 'MyNumberDeferred') {
    return settle(state, event.person, 'pending', {
      code: 'my-number-pending',
      person: event.person,
    });
  }
  const failed = audit({
    step: 'my-number',
    result: 'failed',
    person: event.person,
    codes: [event.code],
  });
  const again = (pin: Attempt['pin'], notice: Notice): Step => ({
    state: withAttempt(state, 'my-number', { pin }, notice),
    effects: [failed],
  });
  const a = state.attempt;
  switch (event.code) {
    case 'reader/pin-wrong':
      return again(
        { state: 'ready', triesLeft: event.triesLeft ?? 1 },
        {
          code: 'pin-wrong',
          triesLeft: event.triesLeft ?? 1,
          person: event.person,
        },
      );
    case 'reader/pin-last-try':
      return again(
        { state: 'ready', triesLeft: 1 },
        { code: 'confirm-last-try', triesLeft: 1, person: event.person },
      );
    case 'reader/pin-invalid':
      return again(a?.pin ?? { state: 'blocked' }, { code: 'pin-invalid', person: event.person });
    case 'reader/pin-blocked':
      return again({ state: 'blocked' }, { code: 'pin-blocked', person: event.person });
    case 'reader/card-removed':
    case 'reader/card-swapped': {
      const { attempt: gone, ...rest } = state;
      return {
        state: go(
          { ...rest },
          'my-number',
          {},
          { code: 'place-card', person: event.person, cause: event.code },
        ),
        effects: [
          failed,
          ...(gone ? [{ kind: 'end-card-session', reader: gone.reader } as const] : []),
        ],
      };
    }
  }
  const s = settle(state, event.person, 'pending', {
    code: 'my-number-pending',
    person: event.person,
    cause: event.code,
  });
  return { ...s, effects: [failed, ...s.effects] };
}

export function formsDone(
  state: CounterState,
  event: EventOf<'FormsReady'> | EventOf<'FormsFailed'>,
): Step {
  if (event.type === 'FormsFailed') {
    return {
      state: go(state, 'person-ready', {}, { code: 'forms-failed', cause: event.code }),
      effects: [audit({ step: 'forms', result: 'failed', codes: [event.code] })],
    };
  }
  const forms = { forms: event.forms, pages: event.pages, problems: event.problems };
  const notice: Notice | undefined = event.problems > 0 ? { code: 'glyph-problems' } : undefined;
  return {
    state: go(state, 'review', { forms }, notice),
    effects: [
      audit({
        step: 'forms',
        result: 'ready',
        procedures: state.procedures.map((p) => p.id),
        ...(event.problems > 0 ? { codes: ['forms/glyph-missing'] } : {}),
      }),
    ],
  };
}

export function reviewConfirmed(state: CounterState, event: EventOf<'ReviewConfirmed'>): Step {
  const problems = state.forms?.problems ?? 0;
  if (problems > 0 && event.acknowledgeProblems !== true) {
    return { state: go(state, state.phase, {}, { code: 'glyph-problems' }), effects: [] };
  }
  return {
    state: go(state, 'printing'),
    effects: [
      audit({
        step: state.phase === 'print-failed' ? 'print' : 'review',
        result: state.phase === 'print-failed' ? 'retry' : 'confirmed',
        ...(problems > 0 ? { codes: ['forms/glyph-missing-acknowledged'] } : {}),
      }),
      { kind: 'print' },
    ],
  };
}

export function printDone(
  state: CounterState,
  event: EventOf<'PrintDone'> | EventOf<'PrintFailed'>,
): Step {
  if (event.type === 'PrintFailed') {
    return {
      state: go(state, 'print-failed', {}, { code: 'print-failed', cause: event.code }),
      effects: [audit({ step: 'print', result: 'failed', codes: [event.code] })],
    };
  }
  return {
    state: go(state, 'awaiting-signature'),
    effects: [
      audit({ step: 'print', result: 'done', procedures: state.procedures.map((p) => p.id) }),
    ],
  };
}
