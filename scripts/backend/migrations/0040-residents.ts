import type { Migration } from '../../../kiosk/store/db.ts';

/**
 * The resident register the counter looks residents up in (issue 6). Each row keeps the four
 * basic items normalised for matching (shared/contracts/residents.ts) and the record the forms
 * need as JSON. A resident's My Number, when the import has one, is kept only as an HMAC with
 * the backend's fleet key: enough to check the number a counter read from the chip, useless to
 * anyone who copies the database. The match index covers all four items, in the order the
 * look-up binds them.
 */
export const backend0040: Migration = {
  version: 40,
  name: 'residents',
  up(db) {
    db.exec(`
      CREATE TABLE residents (
        resident_id TEXT PRIMARY KEY,
        name_key TEXT NOT NULL,
        birth_date TEXT NOT NULL,
        sex TEXT NOT NULL CHECK (sex IN ('male', 'female', 'not-known', 'not-applicable')),
        address_key TEXT NOT NULL,
        record TEXT NOT NULL CHECK (json_valid(record)),
        my_number_hmac TEXT,
        imported_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;

      CREATE INDEX residents_four_items ON residents (name_key, birth_date, sex, address_key);
    `);
  },
};
