import type { Migration } from '../db.ts';

/**
 * Ride allowances spent on several vehicles. `ride_usage` and `ride_usage_cursor` hold the
 * backend's reconciled counts (dataset `ride-usage`); `local_rides` holds this device's
 * subsidised rides, written in the same transaction as their `ride.validated` event, until the
 * backend's cursor for this device shows they are counted.
 */
export const migration0040: Migration = {
  version: 40,
  name: 'ride-usage',
  up(db) {
    db.exec(`
      CREATE TABLE ride_usage (
        gen INTEGER NOT NULL,
        token_hash BLOB NOT NULL CHECK (length(token_hash) = 32),
        period_key TEXT NOT NULL,
        used INTEGER NOT NULL CHECK (used >= 0),
        PRIMARY KEY (gen, token_hash, period_key)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE ride_usage_cursor (
        gen INTEGER NOT NULL,
        device_id TEXT NOT NULL,
        through_seq INTEGER NOT NULL,
        PRIMARY KEY (gen, device_id)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE local_rides (
        device_seq INTEGER PRIMARY KEY,
        token_hash BLOB NOT NULL CHECK (length(token_hash) = 32),
        period_key TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;

      CREATE INDEX local_rides_token ON local_rides (token_hash, period_key, device_seq);
    `);
  },
};
