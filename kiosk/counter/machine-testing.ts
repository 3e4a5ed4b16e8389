/**
 * Fixtures for the state machine's unit tests (machine*.test.ts): a policy, events of a card and
 * a person, and a runner that threads the state through a list of events.
 */
import { counterStep, INITIAL_STATE } from './machine.ts';
import type {
  CardProbe,
  CounterEffect,
  CounterEvent,
  CounterPolicy,
  CounterState,
} from './types.ts';

export const policy: CounterPolicy = {
  faceThreshold: 0.8,
  faceAttempts: 3,
  maxPersons: 6,
  faceCamera: true,
  procedures: new Map([
    ['resident-copy', { myNumberUse: false }],
    ['moving-in', { myNumberUse: false }],
    ['seal-registration', { myNumberUse: false }],
    ['nhi-enrol', { myNumberUse: true }],
  ]),
};
export const CASE = '0190a0b0-0000-7000-8000-00000000abcd';

export const secret = (text = '1234'): Uint8Array => new TextEncoder().encode(text);
export function probe(cardKey = 'card-a', triesLeft = 3): CardProbe {
  return {
    cardKey,
    pin: triesLeft === 0 ? { state: 'blocked' } : { state: 'ready', triesLeft },
  };
}

export function run(events: readonly CounterEvent[], from: CounterState = INITIAL_STATE) {
  let state = from;
  const effects: CounterEffect[] = [];
  const ignored: string[] = [];
  for (const e of events) {
    const s = counterStep(policy, state, e);
    state = s.state;
    effects.push(...s.effects);
    if (s.ignored) ignored.push(e.type);
  }
  return { state, effects, ignored };
}

export const audits = (effects: readonly CounterEffect[]): string[] =>
  effects.flatMap((e) => (e.kind === 'audit' ? [`${e.entry.step}:${e.entry.result}`] : []));
export const kinds = (effects: readonly CounterEffect[]): string[] =>
  effects.filter((e) => e.kind !== 'audit').map((e) => e.kind);

export const open: CounterEvent = { type: 'CaseOpened', caseId: CASE };
export const place = (cardKey = 'card-a', reader = 'R0', tries = 3): CounterEvent => ({
  type: 'CardPresent',
  reader,
  probe: probe(cardKey, tries),
});
export const removed = (reader = 'R0'): CounterEvent => ({ type: 'CardRemoved', reader });

/** When the fixtures' holders answer the consent screen. */
export const CONSENT_AT = 1_790_000_000_000;
export const agree = (person = 'p1'): CounterEvent => ({
  type: 'ConsentAnswered',
  person,
  answer: 'agreed',
  at: CONSENT_AT,
});

/** A person read with the PIN, who agreed to the look-up, found in the register. */
export function byPin(
  person: string,
  cardKey: string,
  personKey: string,
  reader = 'R0',
): CounterEvent[] {
  return [
    place(cardKey, reader),
    { type: 'MethodChosen', method: 'pin' },
    { type: 'PinEntered', pin: secret() },
    { type: 'CardRead', person, personKey },
    agree(person),
    { type: 'LookupDone', person, outcome: 'found', residentKey: `r-${personKey}` },
  ];
}
