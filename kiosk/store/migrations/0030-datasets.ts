import type { Migration } from '../db.ts';

/**
 * Datasets down. Every dataset's rows carry a generation: a snapshot is written into a new
 * generation in bounded chunks while lookups keep reading the active one, and becomes visible
 * by one small update of `dataset_state.active_gen` (architecture: "Readers keep working during
 * a dataset apply"). Deltas change the active generation in one transaction. Token hashes are
 * 32-byte BLOBs: HMAC outputs, never card identifiers.
 */
export const migration0030: Migration = {
  version: 30,
  name: 'datasets',
  up(db) {
    db.exec(`
      CREATE TABLE dataset_state (
        name TEXT PRIMARY KEY,
        version INTEGER NOT NULL CHECK (version >= 1),
        active_gen INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        applied_at INTEGER NOT NULL,
        rows INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        last_kind TEXT NOT NULL CHECK (last_kind IN ('snapshot', 'delta'))
      ) STRICT;

      CREATE TABLE dataset_staging (
        gen INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        started_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE entitlements (
        gen INTEGER NOT NULL,
        token_hash BLOB NOT NULL CHECK (length(token_hash) = 32),
        rider_category TEXT NOT NULL,
        valid_from TEXT NOT NULL,
        valid_to TEXT NOT NULL,
        rides_per_period INTEGER,
        period TEXT NOT NULL,
        PRIMARY KEY (gen, token_hash)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE deny_list (
        gen INTEGER NOT NULL,
        token_hash BLOB NOT NULL CHECK (length(token_hash) = 32),
        reason TEXT NOT NULL,
        since TEXT NOT NULL,
        PRIMARY KEY (gen, token_hash)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE documents (
        gen INTEGER NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL CHECK (json_valid(value)),
        PRIMARY KEY (gen, key)
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
