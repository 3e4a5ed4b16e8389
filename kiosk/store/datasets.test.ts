import { describe, expect, it } from 'vitest';
import type { EntitlementRow, Manifest } from '../../shared/contracts/sync/datasets.ts';
import { hasErrorCode } from '../../shared/errors.ts';
import { memoryStore } from './testing.ts';

const hash = (n: number): string => n.toString(16).padStart(64, '0');
const row = (n: number, rides: number | null = 10): EntitlementRow => ({
  tokenHash: hash(n),
  riderCategory: 'senior',
  validFrom: '2026-04-01',
  validTo: '2027-03-31',
  ridesPerPeriod: rides,
  period: 'month',
});
const manifest = (version: number, kind: 'snapshot' | 'delta', rows = 0): Manifest => ({
  dataset: 'entitlements',
  kind,
  version,
  ...(kind === 'delta' ? { baseVersion: version - 1 } : {}),
  createdAt: 1000 * version,
  rows,
  bytes: 0,
  sha256: 'a'.repeat(64),
  keyId: 'b'.repeat(16),
});
const tokenOf = (n: number): Buffer => Buffer.from(hash(n), 'hex');

describe('dataset store', () => {
  it('keeps lookups on the old version until a chunked snapshot commits', () => {
    const store = memoryStore();
    const first = store.datasets.beginSnapshot(manifest(1, 'snapshot'), 0);
    first.add([row(1), row(2)]);
    first.commit(10);
    const second = store.datasets.beginSnapshot(manifest(2, 'snapshot'), 0);
    second.add([row(2, 5)]);
    second.add([row(3)]);
    expect(store.lookups.entitlement(tokenOf(1))).toBeDefined();
    expect(store.lookups.entitlement(tokenOf(3))).toBeUndefined();
    const state = second.commit(20);
    expect(state).toMatchObject({ version: 2, rows: 2, lastKind: 'snapshot' });
    expect(store.lookups.entitlement(tokenOf(1))).toBeUndefined();
    expect(store.lookups.entitlement(tokenOf(2))?.ridesPerPeriod).toBe(5);
    expect(store.datasets.collectGarbage()).toBe(2);
    expect(store.datasets.collectGarbage()).toBe(0);
  });

  it('applies a delta atomically on top of its base, counting rows', () => {
    const store = memoryStore();
    const s = store.datasets.beginSnapshot(manifest(1, 'snapshot'), 0);
    s.add([row(1), row(2)]);
    s.commit(0);
    const state = store.datasets.applyDelta(
      manifest(2, 'delta'),
      [
        { op: 'put', row: row(3) },
        { op: 'put', row: row(1, null) },
        { op: 'del', key: hash(2) },
        { op: 'del', key: hash(99) },
      ],
      5,
    );
    expect(state).toMatchObject({ version: 2, rows: 2, lastKind: 'delta' });
    expect(store.lookups.entitlement(tokenOf(1))?.ridesPerPeriod).toBeNull();
    expect(store.lookups.entitlement(tokenOf(2))).toBeUndefined();
  });

  it('rolls back a delta that fails half way, keeping the previous data', () => {
    const store = memoryStore();
    const s = store.datasets.beginSnapshot(manifest(1, 'snapshot'), 0);
    s.add([row(1)]);
    s.commit(0);
    expect(() =>
      store.datasets.applyDelta(
        manifest(2, 'delta'),
        [
          { op: 'put', row: row(5) },
          { op: 'del', key: 'not-hex' },
        ],
        0,
      ),
    ).toThrow(expect.objectContaining({ code: 'store/row-invalid' }));
    expect(store.datasets.state('entitlements')?.version).toBe(1);
    expect(store.lookups.entitlement(tokenOf(5))).toBeUndefined();
  });

  it('refuses a delta on the wrong base and a snapshot that is not newer', () => {
    const store = memoryStore();
    const s = store.datasets.beginSnapshot(manifest(3, 'snapshot'), 0);
    s.add([row(1)]);
    s.commit(0);
    for (const attempt of [
      () => store.datasets.applyDelta(manifest(5, 'delta'), [], 0),
      () => store.datasets.beginSnapshot(manifest(3, 'snapshot'), 0).commit(0),
      () => store.datasets.beginSnapshot(manifest(2, 'snapshot'), 0).commit(0),
    ]) {
      try {
        attempt();
        expect.unreachable();
      } catch (error) {
        expect(hasErrorCode(error, 'store/version-conflict')).toBe(true);
      }
    }
    expect(store.datasets.state('entitlements')?.version).toBe(3);
  });

  it('refuses a snapshot repeating a key, and garbage-collects what an abort left', () => {
    const store = memoryStore();
    const s = store.datasets.beginSnapshot(manifest(1, 'snapshot'), 0);
    s.add([row(1)]);
    expect(() => s.add([row(1)])).toThrow(expect.objectContaining({ code: 'store/row-invalid' }));
    s.abort();
    expect(store.datasets.state('entitlements')).toBeUndefined();
    expect(store.datasets.collectGarbage()).toBe(1);
  });

  it('holds documents and ride usage the same way', () => {
    const store = memoryStore();
    const fares = store.datasets.beginSnapshot({ ...manifest(1, 'snapshot'), dataset: 'fares' }, 0);
    fares.add([{ key: 'adult', value: { amountYen: 220 } }]);
    fares.commit(0);
    expect(store.lookups.document('fares', 'adult')).toEqual({ amountYen: 220 });
    expect(store.lookups.document('config', 'adult')).toBeUndefined();
    const usage = store.datasets.beginSnapshot(
      { ...manifest(1, 'snapshot'), dataset: 'ride-usage' },
      0,
    );
    usage.add([
      { kind: 'count', tokenHash: hash(1), periodKey: '2026-11', used: 3 },
      { kind: 'cursor', deviceId: 'bus-0042', throughSeq: 0 },
    ]);
    usage.commit(0);
    store.datasets.applyDelta(
      { ...manifest(2, 'delta'), dataset: 'ride-usage' },
      [
        { op: 'del', key: `count/${hash(1)}/2026-11` },
        { op: 'del', key: 'cursor/bus-0042' },
      ],
      0,
    );
    expect(store.datasets.state('ride-usage')?.rows).toBe(0);
  });
});
