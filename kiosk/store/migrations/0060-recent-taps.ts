import type { Migration } from '../db.ts';

/**
 * The last tap of each card on this validator, written in the same transaction as the tap's
 * ride event: a second tap within the duplicate window is "already validated" even after the
 * validator restarted (ignition off and on at a stop), and a transfer knows the fare already
 * paid. Rows older than the longest window are pruned; only keyed token hashes are kept.
 */
export const migration0060: Migration = {
  version: 60,
  name: 'recent-taps',
  up(db) {
    db.exec(`
      CREATE TABLE recent_taps (
        token_hash BLOB PRIMARY KEY CHECK (length(token_hash) = 32),
        at INTEGER NOT NULL,
        leg_group_id TEXT,
        paid_yen INTEGER NOT NULL CHECK (paid_yen >= 0)
      ) STRICT, WITHOUT ROWID;

      CREATE INDEX recent_taps_at ON recent_taps (at);
    `);
  },
};
