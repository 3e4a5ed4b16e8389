/**
 * Database handle types (style.md: read and write handles are different types). Only the
 * composition root (open.ts) makes them; a read-only path cannot be handed a writer by accident.
 */
import type BetterSqlite3 from 'better-sqlite3';

export type Sqlite = BetterSqlite3.Database;
export type Statement = BetterSqlite3.Statement;

declare const readable: unique symbol;
declare const writable: unique symbol;

export type ReadableDb = Sqlite & { readonly [readable]: true };
export type WritableDb = ReadableDb & { readonly [writable]: true };

/** A migration: one file, one function, one schema version (multiples of 10). */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: (db: WritableDb) => void;
}

/**
 * Runs `write` with its commits left in the OS page cache (`synchronous = NORMAL`: in WAL mode
 * SQLite then writes the frames without an fsync), and puts the connection back to the
 * `synchronous = FULL` every other commit runs with (open.ts). Atomicity is unchanged; what is
 * deferred is only the wait for the disk, which the caller either does not need (staged rows
 * that a later FULL commit covers) or does itself afterwards (DeviceStore.flushWal).
 */
export function withoutFsync<T>(db: WritableDb, write: () => T): T {
  db.pragma('synchronous = NORMAL');
  try {
    return write();
  } finally {
    db.pragma('synchronous = FULL');
  }
}
