import { describe, expect, it } from 'vitest';
import { manualClock, memoryStore } from './testing.ts';

const hash = new Uint8Array(32).fill(9);
const offline = (n: number) => ({
  txnId: `0190f000-0000-7000-8000-00000000000${n}`,
  sessionId: 'session-1',
  itemId: `300000000${n}`,
  patronId: 'L0001',
  patronHash: hash,
  occurredAt: 1_000 + n,
  dueDate: '2026-12-06',
});
const payloads = (store: ReturnType<typeof memoryStore>) =>
  store.outbox
    .pending(50)
    .map((e) => [e.type, JSON.parse(e.payloadJson) as Record<string, unknown>]);

describe('checkout store', () => {
  it('writes each checkout with its event; online checkouts name no patron', () => {
    const store = memoryStore('lib-chuo-1');
    store.checkouts.recordCompleted({
      txnId: '0190f000-0000-7000-8000-0000000000aa',
      sessionId: 's',
      itemId: '3000000009',
      occurredAt: 5,
      dueDate: '2026-12-06',
    });
    store.checkouts.storeOffline(offline(1));
    expect(payloads(store)).toEqual([
      [
        'checkout.completed',
        {
          txnId: '0190f000-0000-7000-8000-0000000000aa',
          occurredAt: 5,
          mode: 'online',
          dueDate: '2026-12-06',
        },
      ],
      [
        'checkout.stored',
        { txnId: offline(1).txnId, occurredAt: 1001, mode: 'offline', dueDate: '2026-12-06' },
      ],
    ]);
    expect(store.checkouts.stats()).toEqual({ pending: 1, exceptions: 0, oldestPendingAt: 1001 });
    expect(store.checkouts.pendingCountFor(hash)).toBe(1);
  });

  it('forwards in the order checkouts happened; forwarding twice records once', () => {
    const store = memoryStore('lib-chuo-1');
    for (const n of [1, 2, 3]) store.checkouts.storeOffline(offline(n));
    expect(store.checkouts.pending().map((p) => p.itemId)).toEqual([
      '3000000001',
      '3000000002',
      '3000000003',
    ]);
    store.checkouts.noteAttempt(offline(1).txnId);
    expect(store.checkouts.pending()[0]?.attempts).toBe(1);
    expect(store.checkouts.markForwarded(offline(1).txnId, '2026-12-07')).toBeDefined();
    expect(store.checkouts.markForwarded(offline(1).txnId)).toBeUndefined();
    expect(store.checkouts.pending().map((p) => p.itemId)).toEqual(['3000000002', '3000000003']);
    expect(payloads(store).at(-1)).toEqual([
      'checkout.forwarded',
      { txnId: offline(1).txnId, occurredAt: 1001, mode: 'offline', dueDate: '2026-12-07' },
    ]);
  });

  it('a refused forward becomes an exception with item and patron hash, until staff resolve it', () => {
    const clock = manualClock();
    const store = memoryStore('lib-chuo-1', clock);
    store.checkouts.storeOffline(offline(4));
    store.checkouts.markException(offline(4).txnId, 'unknown-item');
    expect(store.checkouts.exceptions()).toEqual([
      {
        txnId: offline(4).txnId,
        itemId: '3000000004',
        patronId: 'L0001',
        occurredAt: 1004,
        dueDate: '2026-12-06',
        settledAt: clock.now(),
        reason: 'unknown-item',
      },
    ]);
    expect(payloads(store).at(-1)).toEqual([
      'checkout.exception',
      {
        txnId: offline(4).txnId,
        occurredAt: 1004,
        mode: 'offline',
        reason: 'unknown-item',
        itemId: '3000000004',
        patronHash: '09'.repeat(32),
        dueDate: '2026-12-06',
      },
    ]);
    expect(store.checkouts.resolve(offline(4).txnId)).toBeDefined();
    expect(store.checkouts.exceptions()).toEqual([]);
    expect(store.checkouts.stats()).toMatchObject({ pending: 0, exceptions: 0 });
  });

  it('a checkout that cannot be stored leaves no event behind', () => {
    const store = memoryStore('lib-chuo-1');
    store.checkouts.storeOffline(offline(5));
    expect(() => store.checkouts.storeOffline(offline(5))).toThrow(
      expect.objectContaining({ code: 'store/row-invalid' }),
    );
    expect(() => store.checkouts.storeOffline({ ...offline(6), txnId: 'not-a-uuid' })).toThrow(
      expect.objectContaining({ code: 'store/row-invalid' }),
    );
    expect(store.outbox.stats().pending).toBe(1);
  });
});
