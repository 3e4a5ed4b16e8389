import type { Migration } from '../db.ts';

/**
 * The device this database belongs to, and named counters. `device_seq` is a counter rather
 * than MAX(rowid)+1 so that a number is never reused after acknowledged events are pruned.
 */
export const migration0010: Migration = {
  version: 10,
  name: 'device',
  up(db) {
    db.exec(`
      CREATE TABLE device (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        device_id TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE sequences (
        name TEXT PRIMARY KEY,
        next INTEGER NOT NULL CHECK (next >= 1)
      ) STRICT;

      INSERT INTO sequences (name, next) VALUES ('device_seq', 1), ('dataset_gen', 1);
    `);
  },
};
