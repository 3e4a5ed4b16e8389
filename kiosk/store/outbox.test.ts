import { describe, expect, it } from 'vitest';
import { hasErrorCode } from '../../shared/errors.ts';
import { manualClock, memoryStore } from './testing.ts';

describe('outbox', () => {
  it('numbers events 1, 2, 3 … with UUIDv7 ids, pending in order', () => {
    const store = memoryStore();
    const a = store.appendEvent('device.started', { version: '0.1.0' });
    const b = store.appendEvent('audit.entry', { action: 'door-open' });
    expect([a.deviceSeq, b.deviceSeq]).toEqual([1, 2]);
    expect(a.eventId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(
      store.outbox.pending(10).map((e) => [e.deviceSeq, JSON.parse(e.payloadJson) as unknown]),
    ).toEqual([
      [1, { version: '0.1.0' }],
      [2, { action: 'door-open' }],
    ]);
    expect(store.outbox.pending(10, 1).map((e) => e.deviceSeq)).toEqual([2]);
  });

  it('refuses malformed types and payloads carrying personal fields', () => {
    const store = memoryStore();
    for (const [type, payload] of [
      ['Ride', {}],
      ['ride.validated', { name: 'x' }],
      ['ride.validated', { nested: { address: 'x' } }],
    ] as const) {
      try {
        store.appendEvent(type, payload);
        expect.unreachable();
      } catch (error) {
        expect(hasErrorCode(error, 'store/row-invalid')).toBe(true);
      }
    }
    expect(store.outbox.stats().pending).toBe(0);
  });

  it('rolls an event back with the business write that failed', () => {
    const store = memoryStore();
    expect(() =>
      store.recordRide({
        tokenHash: 'zz',
        periodKey: '2026-11',
        subsidised: true,
        riderCategory: 'senior',
        fareYen: 0,
      }),
    ).toThrow();
    expect(store.outbox.stats()).toMatchObject({ pending: 0, nextSeq: 1 });
  });

  it('settles stored and duplicate as delivered, conflict and refused as rejected; repeats change nothing', () => {
    const clock = manualClock();
    const store = memoryStore('bus-0042', clock);
    for (let i = 0; i < 4; i += 1) store.appendEvent('device.heartbeat', { i });
    const results = [
      { deviceSeq: 1, outcome: 'stored' },
      { deviceSeq: 2, outcome: 'duplicate' },
      { deviceSeq: 3, outcome: 'conflict' },
    ] as const;
    expect(store.outbox.settle(results)).toEqual({ acked: 2, rejected: 1 });
    expect(store.outbox.settle(results)).toEqual({ acked: 0, rejected: 0 });
    expect(store.outbox.stats()).toMatchObject({
      pending: 1,
      acked: 2,
      rejected: 1,
      oldestPendingSeq: 4,
    });
  });

  it('prunes acknowledged events after the retention only, and never reuses a seq', () => {
    const clock = manualClock();
    const store = memoryStore('bus-0042', clock);
    store.appendEvent('device.heartbeat', {});
    store.outbox.settle([{ deviceSeq: 1, outcome: 'stored' }]);
    clock.advance(1000);
    expect(store.prune(5000).events).toBe(0);
    clock.advance(5000);
    expect(store.prune(5000).events).toBe(1);
    expect(store.appendEvent('device.heartbeat', {}).deviceSeq).toBe(2);
  });

  it('continues after the backend high-water mark when the database is older than the backend', () => {
    const store = memoryStore();
    store.outbox.continueAfter(41);
    expect(store.appendEvent('device.heartbeat', {}).deviceSeq).toBe(42);
    store.outbox.continueAfter(10);
    expect(store.appendEvent('device.heartbeat', {}).deviceSeq).toBe(43);
  });
});
