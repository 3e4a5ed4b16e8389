/**
 * The reference backend's SQLite: the composition root for its database (the only
 * `new Database()` in scripts/backend), WAL, FULL sync, its own numbered migrations.
 */
import Database from 'better-sqlite3';
import type { WritableDb } from '../../kiosk/store/db.ts';
import { migrate } from '../../kiosk/store/migrate.ts';
import { BACKEND_MIGRATIONS } from './migrations/index.ts';

export function openBackendDb(path: string): WritableDb {
  const db = new Database(path, { timeout: 10_000 }) as WritableDb;
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('cache_size = -65536');
  migrate(db, undefined, BACKEND_MIGRATIONS);
  return db;
}

export function memoryBackendDb(version?: number): WritableDb {
  const db = new Database(':memory:') as WritableDb;
  db.pragma('foreign_keys = ON');
  migrate(db, version, BACKEND_MIGRATIONS);
  return db;
}
