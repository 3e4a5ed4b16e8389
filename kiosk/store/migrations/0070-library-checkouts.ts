import type { Migration } from '../db.ts';

/**
 * Library self-checkouts (issue 7). Each row is written in the same transaction as its
 * `checkout.*` outbox event. An online checkout is `completed` and names neither patron nor
 * patron hash (the loan lives in the library system). An offline checkout is `pending` with the
 * patron's library id, needed to forward it, and its keyed hash; forwarding makes it
 * `forwarded` (the library id is wiped) or `exception` (kept until staff `resolve` it).
 * `occurred_at` is the patron's time, which forwarding sends as the SIP2 transaction date.
 */
export const migration0070: Migration = {
  version: 70,
  name: 'library-checkouts',
  up(db) {
    db.exec(`
      CREATE TABLE library_checkouts (
        id INTEGER PRIMARY KEY,
        txn_id TEXT NOT NULL UNIQUE,
        session_id TEXT NOT NULL,
        item_id TEXT NOT NULL CHECK (length(item_id) BETWEEN 1 AND 64),
        patron_hash BLOB CHECK (patron_hash IS NULL OR length(patron_hash) = 32),
        patron_id TEXT,
        occurred_at INTEGER NOT NULL,
        due_date TEXT,
        mode TEXT NOT NULL CHECK (mode IN ('online', 'offline')),
        state TEXT NOT NULL
          CHECK (state IN ('completed', 'pending', 'forwarded', 'exception', 'resolved')),
        attempts INTEGER NOT NULL DEFAULT 0,
        settled_at INTEGER,
        reason TEXT,
        CHECK ((mode = 'online') = (state = 'completed')),
        CHECK ((state IN ('pending', 'exception')) = (patron_id IS NOT NULL)),
        CHECK ((mode = 'offline') = (patron_hash IS NOT NULL))
      ) STRICT;

      CREATE INDEX library_checkouts_pending ON library_checkouts (id) WHERE state = 'pending';
      CREATE INDEX library_checkouts_exceptions ON library_checkouts (id) WHERE state = 'exception';
      CREATE INDEX library_checkouts_patron ON library_checkouts (patron_hash, state)
        WHERE patron_hash IS NOT NULL;
    `);
  },
};
