import type { Migration } from '../db.ts';

/**
 * The last complete WAL checkpoint: when, and how many frames it copied. Writing this row right
 * after the checkpoint is also what restarts the WAL (SQLite syncs the new WAL header with the
 * first write after a complete checkpoint), so that sync happens between taps and not inside the
 * next tap's commit (DeviceStore.checkpoint).
 */
export const migration0090: Migration = {
  version: 90,
  name: 'checkpoints',
  up(db) {
    db.exec(`
      CREATE TABLE checkpoints (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        at INTEGER NOT NULL,
        frames INTEGER NOT NULL CHECK (frames >= 0)
      ) STRICT;
    `);
  },
};
