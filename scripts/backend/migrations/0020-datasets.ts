import type { Migration } from '../../../kiosk/store/db.ts';

/**
 * Published dataset versions (their signed manifests and body files) and each dataset's current
 * rows, against which the next publication is diffed into a delta.
 */
export const backend0020: Migration = {
  version: 20,
  name: 'datasets',
  up(db) {
    db.exec(`
      CREATE TABLE dataset_versions (
        dataset TEXT NOT NULL,
        version INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('snapshot', 'delta')),
        base_version INTEGER,
        manifest TEXT NOT NULL CHECK (json_valid(manifest)),
        signature TEXT NOT NULL,
        file TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        PRIMARY KEY (dataset, version, kind)
      ) STRICT;

      CREATE TABLE dataset_rows (
        dataset TEXT NOT NULL,
        key TEXT NOT NULL,
        row TEXT NOT NULL,
        PRIMARY KEY (dataset, key)
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
