import type { Migration } from '../../../kiosk/store/db.ts';

/**
 * Subsidised rides from every validator, one row per ride event, for reconciling allowances
 * spent offline on several vehicles. Token hashes only; written with the event, in its
 * transaction.
 */
export const backend0030: Migration = {
  version: 30,
  name: 'rides',
  up(db) {
    db.exec(`
      CREATE TABLE rides (
        device_id TEXT NOT NULL,
        device_seq INTEGER NOT NULL,
        token_hash TEXT NOT NULL,
        period_key TEXT NOT NULL,
        tapped_at INTEGER NOT NULL,
        PRIMARY KEY (device_id, device_seq)
      ) STRICT, WITHOUT ROWID;

      CREATE INDEX rides_period ON rides (period_key, token_hash);
    `);
  },
};
