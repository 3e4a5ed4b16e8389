/**
 * The composition root of the local store: the only place that calls `new Database()`
 * (style.md rule 3). Everything else receives a typed ReadableDb or WritableDb.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Clock } from '../../shared/clock.ts';
import { DeviceStore } from './store.ts';
import type { ReadableDb, WritableDb } from './db.ts';
import { guard } from './errors.ts';
import { migrate } from './migrate.ts';

export interface OpenOptions {
  /** How long a write waits for another connection's lock before `store/locked`. */
  readonly busyTimeoutMs?: number;
  /**
   * Caps the database at this many pages: tests use it to model a full disk without a
   * file system of their own (SQLite then fails with SQLITE_FULL, as on a full disk).
   */
  readonly maxPageCount?: number;
  /** Page cache in KiB (SQLite `cache_size` is negative for KiB). */
  readonly cacheKiB?: number;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5_000;
const DEFAULT_CACHE_KIB = 16 * 1024;

/**
 * Opens (creating if need be) the device database for writing, in WAL mode with
 * `synchronous = FULL` (a bus loses power with the ignition, and an acknowledged write must
 * survive that; a validator's tap commits without the wait and flushes the WAL right after,
 * DeviceStore.withoutFsync and flushWal), and brings the schema up to date.
 */
export function openWritableDb(path: string, options: OpenOptions = {}): WritableDb {
  return guard('opening the local database', () => {
    const db = new Database(path, {
      timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
    }) as WritableDb;
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.pragma(`cache_size = ${-(options.cacheKiB ?? DEFAULT_CACHE_KIB)}`);
      if (options.maxPageCount !== undefined) db.pragma(`max_page_count = ${options.maxPageCount}`);
      migrate(db);
      return db;
    } catch (error) {
      db.close();
      throw error;
    }
  });
}

/**
 * A read-only connection to an existing device database, for lookups on another thread (the
 * tap path keeps reading the active dataset generation while a writer applies a snapshot).
 */
export function openReadableDb(path: string, options: OpenOptions = {}): ReadableDb {
  return guard('opening the local database for reading', () => {
    const db = new Database(path, {
      readonly: true,
      fileMustExist: true,
      timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
    }) as ReadableDb;
    db.pragma(`cache_size = ${-(options.cacheKiB ?? DEFAULT_CACHE_KIB)}`);
    return db;
  });
}

/** An in-memory database at the newest schema (or `version`), for tests. */
export function openMemoryDb(version?: number): WritableDb {
  const db = new Database(':memory:') as WritableDb;
  migrate(db, version);
  return db;
}

export interface DeviceStoreOptions extends OpenOptions {
  readonly dataDir: string;
  readonly deviceId: string;
  readonly clock: Clock;
}

export const DATABASE_FILE = 'kazasu.db';

/** Opens the device's database in `dataDir` and wraps it in the typed store. */
export function openDeviceStore(options: DeviceStoreOptions): DeviceStore {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const db = openWritableDb(join(options.dataDir, DATABASE_FILE), options);
  try {
    return new DeviceStore(db, options.deviceId, options.clock, (n) => randomBytes(n));
  } catch (error) {
    db.close();
    throw error;
  }
}
