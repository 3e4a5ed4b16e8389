/**
 * The holder's consent to the resident look-up, pure. After the verified read the four items
 * are in the vault and nowhere else; they go to the municipality's resident register only once
 * the holder agreed on the consent screen (architecture "Data rules": purpose, scope, time and
 * answer recorded as data). Declined, the person stays in the case and the forms are filled from
 * the card alone — the same card-only prefill as offline, with the look-up marked declined, not
 * pending, so nobody chases it later. The answer goes into the case (the person's `consent`) and
 * into the audit log as codes only.
 */
import { audit, go, ignore, type Step } from './step.ts';
import {
  CONSENT_PURPOSE,
  CONSENT_SCOPE,
  type Consent,
  type CounterEvent,
  type CounterState,
  type Person,
} from './types.ts';

type ConsentEvent = Extract<CounterEvent, { type: 'ConsentAnswered' }>;

/** The person whose consent the case is waiting for, if any. */
export function awaitingConsent(state: CounterState): Person | undefined {
  return state.phase === 'consent'
    ? state.persons.find((p) => p.lookup === 'awaiting-consent')
    : undefined;
}

export function consentAnswered(state: CounterState, event: ConsentEvent): Step {
  const person = awaitingConsent(state);
  if (!person || person.id !== event.person) return ignore(state, event);
  const consent: Consent = {
    purpose: CONSENT_PURPOSE,
    scope: CONSENT_SCOPE,
    answer: event.answer,
    at: event.at,
  };
  const agreed = event.answer === 'agreed';
  const persons = state.persons.map((p) =>
    p.id === person.id
      ? { ...p, consent, lookup: agreed ? ('running' as const) : ('declined' as const) }
      : p,
  );
  const recorded = audit({
    step: 'consent',
    result: event.answer,
    person: person.id,
    codes: [`purpose/${CONSENT_PURPOSE}`, ...CONSENT_SCOPE.map((item) => `scope/${item}`)],
  });
  if (agreed) {
    return {
      state: go(state, 'looking-up', { persons }),
      effects: [recorded, { kind: 'lookup', person: person.id }],
    };
  }
  return {
    state: go(state, 'person-ready', { persons }, { code: 'lookup-declined', person: person.id }),
    effects: [recorded],
  };
}
