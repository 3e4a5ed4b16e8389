/**
 * Waiting for the counter to reach a state, for scripted runs (the demo, integration tests and
 * the benchmark drive the service as staff would, and must know when the flow got somewhere).
 */
import { CounterError } from './errors.ts';
import type { CounterService, CounterView } from './service.ts';
import type { CounterState } from './types.ts';

/** One line for a state: the phase, and the notice with its tries and person. */
export function describeView(v: CounterView): string {
  const s = v.state;
  const n = s.notice;
  if (!n) return s.phase;
  const tries = n.triesLeft === undefined ? '' : ` (${n.triesLeft} left)`;
  return `${s.phase} — ${n.code}${tries}${n.person ? ` [${n.person}]` : ''}`;
}

/** Resolves when the state satisfies `ok`; `counter/demo-stuck` naming where it stopped otherwise. */
export function waitForState(
  service: Pick<CounterService, 'state' | 'onChange' | 'view'>,
  ok: (s: CounterState) => boolean,
  what: string,
  ms = 20_000,
): Promise<void> {
  if (ok(service.state)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(
        new CounterError(
          'counter/demo-stuck',
          `waited for ${what} in ${describeView(service.view())}`,
          {
            details: { phase: service.state.phase, notice: service.state.notice?.code },
          },
        ),
      );
    }, ms);
    const off = service.onChange((v) => {
      if (!ok(v.state)) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}
