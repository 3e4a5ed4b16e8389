import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CheckoutFlow,
  initialFlow,
  receiptOf,
  type FlowCommand,
  type FlowEvent,
  type FlowModel,
} from './flow.ts';
import type { CheckoutOutcome, Patron } from './types.ts';

const flow = new CheckoutFlow({ idleTimeoutMs: 60_000 });
const patron: Patron = {
  patronId: 'L0001',
  patronHash: new Uint8Array(32),
  via: 'library-card',
  mode: 'online',
  cached: undefined,
};
const ok = (due = '2026-12-06'): CheckoutOutcome => ({
  kind: 'checked-out',
  dueDate: due,
  title: '吾輩は猫である',
});

/** Runs events from a model; returns the last model and every command, by kind. */
function run(events: FlowEvent[], model: FlowModel = initialFlow('ready')) {
  const commands: FlowCommand[] = [];
  for (const e of events) {
    const s = flow.step(model, e);
    model = s.model;
    commands.push(...s.commands);
  }
  return {
    model,
    commands,
    kinds: commands.map((c) => (c.kind === 'show' ? `show:${c.screen.code}` : c.kind)),
  };
}

const identified = (at = 1): FlowEvent => ({
  type: 'identified',
  result: { ok: true, patron },
  sessionId: 's1',
  at,
});

describe('checkout flow', () => {
  it('patron card, two books, end: checkouts one at a time, then receipt and end of session', () => {
    const r = run([
      { type: 'barcode', code: 'L0001', at: 0 },
      identified(),
      { type: 'barcode', code: '3000000001', at: 2 },
      { type: 'barcode', code: '3000000002', at: 3 }, // queued behind the first
      { type: 'checkout-result', itemId: '3000000001', outcome: ok(), at: 4 },
      { type: 'checkout-result', itemId: '3000000002', outcome: ok(), at: 5 },
      { type: 'end-session', at: 6 },
      { type: 'receipt-done', result: 'printed' },
    ]);
    expect(r.kinds).toEqual([
      'identify',
      'show:identifying',
      'show:welcome',
      'idle-timer',
      'checkout',
      'show:checking-out',
      'idle-timer',
      'idle-timer',
      'show:checked-out',
      'checkout',
      'idle-timer',
      'show:checked-out',
      'idle-timer',
      'idle-timer',
      'session-ended',
      'end-patron-session',
      'print-receipt',
      'show:receipt-printing',
      'show:goodbye',
    ]);
    const print = r.commands.find((c) => c.kind === 'print-receipt');
    expect(print).toMatchObject({
      receipt: { patronMask: '*0001', items: [{ itemId: '3000000001' }, { itemId: '3000000002' }] },
    });
    expect(r.model.state.phase).toBe('idle');
  });

  it('a refused identification goes back to idle with its reason', () => {
    const r = run([
      { type: 'barcode', code: 'L0002', at: 0 },
      { type: 'identified', result: { ok: false, reason: 'blocked-fines' }, sessionId: 's', at: 1 },
    ]);
    expect(r.kinds.at(-1)).toBe('show:blocked-fines');
    expect(r.model.state.phase).toBe('idle');
  });

  it('the patron’s own card, a bad barcode and a repeat are screens, not checkouts', () => {
    const r = run([
      { type: 'barcode', code: 'L0001', at: 0 },
      identified(),
      { type: 'barcode', code: 'l0001', at: 2 },
      { type: 'barcode', code: 'https://example.jp/?q=1', at: 3 },
      { type: 'barcode', code: '3000000001', at: 4 },
      { type: 'barcode', code: '3000000001', at: 5 },
      { type: 'card', credential: { kind: 'ic-card', idm: '0101' }, at: 6 },
    ]);
    expect(r.kinds.filter((k) => k.startsWith('show:'))).toEqual([
      'show:identifying',
      'show:welcome',
      'show:own-card',
      'show:invalid-barcode',
      'show:checking-out',
      'show:already-scanned',
      'show:finish-first',
    ]);
    expect(r.kinds.filter((k) => k === 'checkout')).toHaveLength(1);
  });

  it('a refusal shows its reason and the library system’s words, and is left off the receipt', () => {
    const r = run([
      { type: 'barcode', code: 'L0001', at: 0 },
      identified(),
      { type: 'barcode', code: '3000000003', at: 2 },
      {
        type: 'checkout-result',
        itemId: '3000000003',
        outcome: { kind: 'refused', reason: 'on-hold', screenMessage: ['予約資料です'] },
        at: 3,
      },
    ]);
    const last = r.commands.filter((c) => c.kind === 'show').at(-1);
    expect(last).toMatchObject({
      screen: { code: 'on-hold', tone: 'error', screenMessage: ['予約資料です'] },
    });
    const s = r.model.state;
    expect(s.phase === 'session' && receiptOf(s.session, 9).items).toEqual([]);
  });

  it('the idle timeout ends the session (stale timers are ignored); an end during a checkout waits for it', () => {
    const stale = run([
      { type: 'barcode', code: 'L0001', at: 0 },
      identified(1),
      { type: 'idle-timeout', at: 30_000 },
    ]);
    expect(stale.model.state.phase).toBe('session');
    const timedOut = run([
      { type: 'barcode', code: 'L0001', at: 0 },
      identified(1),
      { type: 'idle-timeout', at: 60_001 },
    ]);
    expect(timedOut.model.state.phase).toBe('idle');
    expect(timedOut.kinds.at(-1)).toBe('show:goodbye');

    const r = run([
      { type: 'barcode', code: 'L0001', at: 0 },
      identified(),
      { type: 'barcode', code: '3000000001', at: 2 },
      { type: 'end-session', at: 3 },
    ]);
    expect(r.model.state.phase).toBe('session');
    const done = run(
      [{ type: 'checkout-result', itemId: '3000000001', outcome: ok(), at: 4 }],
      r.model,
    );
    expect(done.kinds).toContain('print-receipt');
  });

  it('without a working printer the due dates stay on the screen', () => {
    const r = run(
      [
        { type: 'barcode', code: 'L0001', at: 0 },
        identified(),
        { type: 'barcode', code: '3000000001', at: 2 },
        { type: 'checkout-result', itemId: '3000000001', outcome: ok(), at: 3 },
        { type: 'printer', condition: 'unavailable' },
        { type: 'end-session', at: 4 },
      ],
      initialFlow('ready'),
    );
    expect(r.kinds).not.toContain('print-receipt');
    expect(r.commands.at(-1)).toMatchObject({
      screen: { code: 'no-receipt', summary: [{ dueDate: '2026-12-06' }] },
    });
  });

  it('receipt out of paper: the patron is told the books are checked out', () => {
    const r = run([
      { type: 'barcode', code: 'L0001', at: 0 },
      identified(),
      { type: 'barcode', code: '3000000001', at: 2 },
      {
        type: 'checkout-result',
        itemId: '3000000001',
        outcome: { kind: 'stored-offline', dueDate: '2026-12-06' },
        at: 3,
      },
      { type: 'end-session', at: 4 },
      { type: 'receipt-done', result: 'paper-out' },
    ]);
    expect(r.kinds.at(-1)).toBe('show:receipt-failed-paper');
  });

  it('property: any sequence of events leaves a consistent state and never throws', () => {
    const event: fc.Arbitrary<FlowEvent> = fc.oneof(
      fc.record({
        type: fc.constant('barcode' as const),
        code: fc.constantFrom('L0001', '3000000001', '3000000002', 'bad code', ''),
        at: fc.nat(100_000),
      }),
      fc.record({
        type: fc.constant('card' as const),
        credential: fc.constant({ kind: 'unreadable-card' as const }),
        at: fc.nat(100_000),
      }),
      fc.record({
        type: fc.constant('identified' as const),
        result: fc.constantFrom(
          { ok: true as const, patron },
          { ok: false as const, reason: 'blocked' as const },
        ),
        sessionId: fc.constant('s'),
        at: fc.nat(100_000),
      }),
      fc.record({
        type: fc.constant('checkout-result' as const),
        itemId: fc.constantFrom('3000000001', '3000000002'),
        outcome: fc.constantFrom(ok(), { kind: 'refused' as const, reason: 'limit' as const }),
        at: fc.nat(100_000),
      }),
      fc.record({
        type: fc.constant('printer' as const),
        condition: fc.constantFrom('ready' as const, 'unavailable' as const),
      }),
      fc.record({
        type: fc.constant('receipt-done' as const),
        result: fc.constantFrom('printed' as const, 'paper-out' as const),
      }),
      fc.record({
        type: fc.constantFrom('end-session' as const, 'idle-timeout' as const),
        at: fc.nat(200_000),
      }),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), (events) => {
        const { model } = run(events);
        const s = model.state;
        if (s.phase === 'session') {
          const ids = s.session.items
            .filter((l) => l.outcome.kind !== 'refused')
            .map((l) => l.itemId);
          expect(new Set(ids).size).toBe(ids.length);
          if (s.session.pending === undefined) expect(s.session.queue).toEqual([]);
        }
      }),
      { numRuns: 500 },
    );
  });
});
