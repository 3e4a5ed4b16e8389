/**
 * Small pieces the counter's transitions share (machine.ts, auth.ts, plan.ts). Pure.
 */
import type { AuditDraft } from '../audit/schema.ts';
import type { Attempt, CounterEffect, CounterEvent, CounterState, Notice, Phase } from './types.ts';

/** One transition's outcome. `ignored`: the event does not apply now (nothing changed). */
export interface Step {
  readonly state: CounterState;
  readonly effects: readonly CounterEffect[];
  readonly ignored?: boolean;
}

export function audit(entry: Omit<AuditDraft, 'caseId'>): CounterEffect {
  return { kind: 'audit', entry };
}

/** The secrets an event carries: they must end in an effect that uses or discards them. */
export function secretsOf(event: CounterEvent): Uint8Array[] {
  if (event.type === 'PinEntered') return [event.pin];
  if (event.type === 'CodeBEntered') return [event.codeB];
  return [];
}

/** The event does not apply: state unchanged, its secrets zeroed. */
export function ignore(state: CounterState, event: CounterEvent): Step {
  return {
    state,
    effects: secretsOf(event).map((secret) => ({ kind: 'discard', secret })),
    ignored: true,
  };
}

/** The state with a new phase, the changes given, and the notice (cleared when not given). */
export function go(
  state: CounterState,
  phase: Phase,
  changes: Partial<Omit<CounterState, 'phase' | 'notice'>> = {},
  notice?: Notice,
): CounterState {
  const { notice: _dropped, ...rest } = state;
  return { ...rest, ...changes, phase, ...(notice ? { notice } : {}) };
}

/** The state with the attempt changed (the phase and notice as given). */
export function withAttempt(
  state: CounterState,
  phase: Phase,
  changes: Partial<Attempt>,
  notice?: Notice,
): CounterState {
  const attempt = state.attempt;
  return go(state, phase, attempt ? { attempt: { ...attempt, ...changes } } : {}, notice);
}

/** Where a case waits for the next card: the first card, or another household member's. */
export function waitingPhase(state: CounterState): Phase {
  if (state.myNumberQueue.length > 0) return 'my-number';
  return state.persons.length > 0 ? 'person-ready' : 'awaiting-card';
}

/** The state without its attempt, back where it waits for a card. */
export function dropAttempt(state: CounterState, notice?: Notice): CounterState {
  const { attempt: _gone, ...rest } = state;
  return go({ ...rest }, waitingPhase(rest), {}, notice);
}
