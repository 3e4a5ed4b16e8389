import { KazasuError } from '../../shared/errors.ts';

/** Every failure the local store reports. Stable codes: the CLI, sync and tests branch on them. */
export type StoreErrorCode =
  | 'store/disk-full' // the file system (or the page limit) has no room for the write
  | 'store/locked' // another connection or process holds the database lock past the busy timeout
  | 'store/read-only' // the database or its directory cannot be written
  | 'store/corrupt' // the file is not a database, or fails its integrity checks
  | 'store/cannot-open' // the file or its directory does not exist or cannot be opened
  | 'store/io' // another I/O failure reported by SQLite
  | 'store/version-from-future' // the schema is newer than this build knows
  | 'store/migration-order' // the migration list is not strictly increasing (a build error)
  | 'store/device-mismatch' // the database belongs to another device id
  | 'store/key-invalid' // the device key file cannot be read as an Ed25519 private key
  | 'store/key-permissions' // the device key file is readable by others than its owner
  | 'store/version-conflict' // a dataset version changed under an apply (two writers)
  | 'store/row-invalid' // a dataset row or key that the store cannot hold
  | 'store/sqlite'; // any other SQLite failure, with its code in details

export class StoreError extends KazasuError<StoreErrorCode> {}

/** SQLite result codes (https://sqlite.org/rescode.html) to store codes. */
const BY_SQLITE_CODE: ReadonlyArray<readonly [RegExp, StoreErrorCode, string]> = [
  [/^SQLITE_FULL$/, 'store/disk-full', 'no space left for the local database'],
  [
    /^SQLITE_IOERR_(WRITE|FSYNC|SHMSIZE|TRUNCATE)$/,
    'store/disk-full',
    'could not write the local database (disk full?)',
  ],
  [
    /^SQLITE_(BUSY|LOCKED)(_.*)?$/,
    'store/locked',
    'the local database is locked by another process',
  ],
  [/^SQLITE_READONLY(_.*)?$/, 'store/read-only', 'the local database cannot be written'],
  [
    /^SQLITE_(CORRUPT|NOTADB)(_.*)?$/,
    'store/corrupt',
    'the local database file is damaged or not a database',
  ],
  [/^SQLITE_CONSTRAINT(_.*)?$/, 'store/row-invalid', 'a row breaks a constraint (a repeated key?)'],
  [/^SQLITE_CANTOPEN(_.*)?$/, 'store/cannot-open', 'the local database cannot be opened'],
  [/^SQLITE_IOERR(_.*)?$/, 'store/io', 'an I/O error in the local database'],
];

function sqliteCode(error: unknown): string | undefined {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
    return error.code.startsWith('SQLITE_') ? error.code : undefined;
  }
  return undefined;
}

/**
 * Turns a better-sqlite3 error into a StoreError by its result code (never its message).
 * Anything that is not an SQLite error passes through unchanged.
 */
export function toStoreError(error: unknown, doing: string): unknown {
  if (error instanceof KazasuError) return error;
  const code = sqliteCode(error);
  if (code === undefined) return error;
  for (const [pattern, storeCode, text] of BY_SQLITE_CODE) {
    if (pattern.test(code)) {
      return new StoreError(storeCode, `${text} (${doing})`, {
        cause: error,
        details: { sqlite: code },
      });
    }
  }
  return new StoreError('store/sqlite', `SQLite failed (${doing})`, {
    cause: error,
    details: { sqlite: code },
  });
}

/** Runs `fn`, rethrowing SQLite failures as StoreErrors. */
export function guard<T>(doing: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw toStoreError(error, doing);
  }
}
