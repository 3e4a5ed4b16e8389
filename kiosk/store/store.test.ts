import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { Manifest } from '../../shared/contracts/sync/datasets.ts';
import { hasErrorCode } from '../../shared/errors.ts';
import { withoutFsync } from './db.ts';
import { DATABASE_FILE, openDeviceStore, openWritableDb } from './open.ts';
import { DeviceStore } from './store.ts';
import { countingBytes, createDb, manualClock, memoryStore } from './testing.ts';

const HASH = 'c'.repeat(64);
const TOKEN = Buffer.from(HASH, 'hex');
const snapshot = (dataset: Manifest['dataset'], version = 1): Manifest => ({
  dataset,
  kind: 'snapshot',
  version,
  createdAt: 0,
  rows: 0,
  bytes: 0,
  sha256: 'a'.repeat(64),
  keyId: 'b'.repeat(16),
});

describe('device store', () => {
  it('belongs to one device id', () => {
    const db = createDb();
    new DeviceStore(db, 'bus-0001', manualClock(), countingBytes);
    try {
      new DeviceStore(db, 'bus-0002', manualClock(), countingBytes);
      expect.unreachable();
    } catch (error) {
      expect(hasErrorCode(error, 'store/device-mismatch')).toBe(true);
    }
  });

  it('counts rides spent here and on other vehicles against the allowance', () => {
    const clock = manualClock(Date.parse('2026-11-22T01:00:00Z'));
    const store = memoryStore('bus-0042', clock);
    const e = store.datasets.beginSnapshot(snapshot('entitlements'), 0);
    e.add([
      {
        tokenHash: HASH,
        riderCategory: 'senior',
        validFrom: '2026-04-01',
        validTo: '2027-03-31',
        ridesPerPeriod: 10,
        period: 'month',
      },
    ]);
    e.commit(0);
    const ride = {
      tokenHash: HASH,
      periodKey: '2026-11',
      subsidised: true,
      riderCategory: 'senior',
      fareYen: 0,
    };
    store.recordRide(ride); // seq 1
    store.recordRide(ride); // seq 2
    store.recordRide({ ...ride, subsidised: false, fareYen: 220 }); // seq 3: full fare, not counted
    expect(store.lookups.tokenStatus(TOKEN, clock.now(), 'bus-0042').allowance).toMatchObject({
      usedReconciled: 0,
      usedHereSince: 2,
      remaining: 8,
    });
    // The backend has counted 5 rides (this device's first plus four on other buses), through seq 1.
    const u = store.datasets.beginSnapshot(snapshot('ride-usage'), 0);
    u.add([
      { kind: 'count', tokenHash: HASH, periodKey: '2026-11', used: 5 },
      { kind: 'cursor', deviceId: 'bus-0042', throughSeq: 1 },
    ]);
    u.commit(0);
    const status = store.lookups.tokenStatus(TOKEN, clock.now(), 'bus-0042');
    expect(status).toMatchObject({ valid: true, denied: undefined });
    expect(status.allowance).toEqual({
      periodKey: '2026-11',
      ridesPerPeriod: 10,
      usedReconciled: 5,
      usedHereSince: 1,
      remaining: 4,
    });
    expect(store.prune(0).localRides).toBe(1);
    expect(store.lookups.tokenStatus(TOKEN, clock.now(), 'bus-0042').allowance?.remaining).toBe(4);
  });

  it('reports validity by JST date and deny-list entries', () => {
    const store = memoryStore();
    const e = store.datasets.beginSnapshot(snapshot('entitlements'), 0);
    e.add([
      {
        tokenHash: HASH,
        riderCategory: 'child',
        validFrom: '2026-04-01',
        validTo: '2026-11-30',
        ridesPerPeriod: null,
        period: 'month',
      },
    ]);
    e.commit(0);
    const d = store.datasets.beginSnapshot(snapshot('deny-list'), 0);
    d.add([{ tokenHash: HASH, reason: 'lost', since: '2026-11-01' }]);
    d.commit(0);
    // 2026-11-30T15:00Z is 1 December in Japan.
    expect(
      store.lookups.tokenStatus(TOKEN, Date.parse('2026-11-30T14:59:00Z'), 'bus-0042').valid,
    ).toBe(true);
    const after = store.lookups.tokenStatus(TOKEN, Date.parse('2026-11-30T15:00:00Z'), 'bus-0042');
    expect(after).toMatchObject({
      valid: false,
      denied: { reason: 'lost', since: '2026-11-01' },
      allowance: undefined,
    });
    expect(store.lookups.tokenStatus(Buffer.alloc(32), 0, 'bus-0042')).toMatchObject({
      entitlement: undefined,
      valid: false,
    });
  });

  it('keeps a sync record and a lease that only its owner or time releases', () => {
    const store = memoryStore();
    store.syncState.update({
      lastErrorCode: 'sync/unreachable',
      lastErrorAt: 5,
      clockOffsetMs: -1200,
    });
    expect(store.syncState.read()).toMatchObject({
      lastErrorCode: 'sync/unreachable',
      clockOffsetMs: -1200,
      lastSuccessAt: null,
    });
    store.syncState.update({ lastErrorCode: null });
    expect(store.syncState.read().lastErrorCode).toBeNull();
    expect(store.syncState.acquireLease('a', 0, 100)).toBe(true);
    expect(store.syncState.acquireLease('b', 50, 150)).toBe(false);
    expect(store.syncState.acquireLease('b', 101, 200)).toBe(true);
    store.syncState.releaseLease('a');
    expect(store.syncState.acquireLease('a', 102, 200)).toBe(false);
    store.syncState.releaseLease('b');
    expect(store.syncState.acquireLease('a', 102, 200)).toBe(true);
  });
});

describe('commits without fsync, then flushed', () => {
  it('withoutFsync commits with synchronous = NORMAL and puts FULL back, also when the write throws', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kazasu-store-'));
    const db = openWritableDb(join(dir, 'device.db'));
    try {
      const mode = (): unknown => db.pragma('synchronous', { simple: true });
      expect(mode()).toBe(2); // FULL
      expect(withoutFsync(db, () => mode())).toBe(1); // NORMAL
      expect(mode()).toBe(2);
      expect(() =>
        withoutFsync(db, () => {
          throw new TypeError('a write that fails');
        }),
      ).toThrow('a write that fails');
      expect(mode()).toBe(2);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('flushWal syncs the WAL file, and has nothing to do in memory or once the WAL is gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kazasu-store-'));
    const clock = manualClock();
    const store = openDeviceStore({ dataDir: dir, deviceId: 'bus-0042', clock });
    try {
      const e = store.withoutFsync(() =>
        store.recordTapEvent('ride.unidentified', { reason: 'unknown-card', routeId: 'R1' }),
      );
      expect(existsSync(join(dir, `${DATABASE_FILE}-wal`))).toBe(true);
      await expect(store.flushWal()).resolves.toBeUndefined();
      expect(store.outbox.pending(10).map((p) => p.deviceSeq)).toEqual([e.deviceSeq]);
    } finally {
      store.close();
    }
    expect(existsSync(join(dir, `${DATABASE_FILE}-wal`))).toBe(false); // the close checkpointed it
    await expect(store.flushWal()).resolves.toBeUndefined();
    await expect(memoryStore().flushWal()).resolves.toBeUndefined();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a burst of flushes shares two syncs: the one under way and one after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kazasu-store-'));
    const store = openDeviceStore({ dataDir: dir, deviceId: 'bus-0042', clock: manualClock() });
    const syncs = vi.spyOn(
      DeviceStore.prototype as unknown as { syncWal: () => Promise<void> },
      'syncWal',
    );
    try {
      const burst = Array.from({ length: 200 }, () => store.flushWal());
      await Promise.all(burst);
      expect(syncs).toHaveBeenCalledTimes(2);
      await store.flushWal(); // and once the burst is over, a flush of its own
      expect(syncs).toHaveBeenCalledTimes(3);
    } finally {
      syncs.mockRestore();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('checkpoint copies the WAL, restarts it with its own note, and does nothing while nothing is written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kazasu-store-'));
    const db = openWritableDb(join(dir, DATABASE_FILE));
    const clock = manualClock(Date.parse('2026-12-01T09:00:00+09:00'));
    const store = new DeviceStore(db, 'bus-0042', clock, countingBytes);
    const walFrames = (): unknown =>
      (db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]?.log;
    const noted = (): unknown => db.prepare(`SELECT at, frames FROM checkpoints`).all();
    try {
      store.recordTapEvent('ride.unidentified', { reason: 'unknown-card', routeId: 'R1' });
      const done = store.checkpoint();
      expect(done).toEqual({ at: clock.now(), frames: expect.any(Number) as number });
      expect(done!.frames).toBeGreaterThan(0);
      expect(noted()).toEqual([done]);
      // the note was the first write after the checkpoint: the WAL started again with it
      expect(walFrames()).toBe(1);
      clock.advance(60_000);
      expect(store.checkpoint()).toBeUndefined(); // nothing written since: no write, no sync
      expect(noted()).toEqual([done]);
      store.recordTapEvent('ride.unidentified', { reason: 'unknown-card', routeId: 'R1' });
      expect(store.checkpoint()).toMatchObject({ at: clock.now() });
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
