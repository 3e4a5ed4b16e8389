import type { Migration } from '../db.ts';

/**
 * What the sync client remembers between runs: the last attempt, success and error (a dead
 * network is a state shown by `kazasu sync status`, never a crash) and the backend clock offset.
 */
export const migration0050: Migration = {
  version: 50,
  name: 'sync-state',
  up(db) {
    db.exec(`
      CREATE TABLE sync_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `);
  },
};
