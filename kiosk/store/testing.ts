/**
 * Helpers for store tests (Signal-Desktop's `test-node/sql/helpers` pattern): an in-memory
 * database at a chosen schema version, and EXPLAIN QUERY PLAN as text.
 */
import type { Clock } from '../../shared/clock.ts';
import type { ReadableDb, WritableDb } from './db.ts';
import { openMemoryDb } from './open.ts';
import { DeviceStore } from './store.ts';

export function createDb(version?: number): WritableDb {
  return openMemoryDb(version);
}

/** The plan's detail lines, joined: `SEARCH entitlements USING PRIMARY KEY (gen=? AND token_hash=?)`. */
export function explain(db: ReadableDb, sql: string, ...params: unknown[]): string {
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
  return rows.map((r) => r.detail).join('\n');
}

export function tableNames(db: ReadableDb): string[] {
  return (
    db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).all() as {
      name: string;
    }[]
  ).map((r) => r.name);
}

/** A clock the test moves by hand. */
export function manualClock(
  start = Date.parse('2026-11-22T01:00:00Z'),
): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    monotonic: () => now,
    advance: (ms) => {
      now += ms;
    },
  };
}

let counter = 0;
/** Deterministic "random" bytes, different on every call. */
export function countingBytes(n: number): Uint8Array {
  counter += 1;
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i += 1) b[i] = (counter >> (8 * (i % 4))) & 0xff;
  return b;
}

export function memoryStore(deviceId = 'bus-0042', clock: Clock = manualClock()): DeviceStore {
  return new DeviceStore(createDb(), deviceId, clock, countingBytes);
}
