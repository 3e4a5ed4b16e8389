import type { Migration } from '../db.ts';

/**
 * The transactional outbox (architecture "Sync principles"; anchors §F.1): a business write and
 * its event commit in one transaction. `pending` rows are sent in device_seq order; `acked`
 * rows are pruned after the retention; `rejected` rows (the backend refused them for good) stay
 * for an operator to inspect.
 */
export const migration0020: Migration = {
  version: 20,
  name: 'outbox',
  up(db) {
    db.exec(`
      CREATE TABLE outbox (
        device_seq INTEGER PRIMARY KEY,
        event_id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        payload TEXT NOT NULL CHECK (json_valid(payload)),
        created_at INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'acked', 'rejected')),
        attempts INTEGER NOT NULL DEFAULT 0,
        settled_at INTEGER,
        outcome TEXT
      ) STRICT;

      CREATE INDEX outbox_pending ON outbox (device_seq) WHERE state = 'pending';
      CREATE INDEX outbox_acked ON outbox (settled_at) WHERE state = 'acked';
    `);
  },
};
