import type { Migration } from '../db.ts';

/**
 * The audit log (architecture "Data rules": every action audited, hash-chained, append-only, no
 * personal data; kiosk/audit/). Each entry's hash covers its fields and the previous entry's
 * hash, so an edited, removed or reordered row breaks the chain from there on. Triggers refuse
 * UPDATE and DELETE through SQL; the `audit_seq` counter records how many entries were ever
 * written, so a removed last entry shows as well. Columns hold codes only (step, result, method,
 * procedure ids, error codes, a case id and a person's place in the case), never names,
 * addresses, card numbers or the My Number.
 */
export const migration0080: Migration = {
  version: 80,
  name: 'audit',
  up(db) {
    db.exec(`
      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY CHECK (seq >= 1),
        at INTEGER NOT NULL,
        case_id TEXT NOT NULL,
        step TEXT NOT NULL,
        result TEXT NOT NULL,
        method TEXT,
        person TEXT,
        procedures TEXT NOT NULL CHECK (json_valid(procedures) AND json_type(procedures) = 'array'),
        codes TEXT NOT NULL CHECK (json_valid(codes) AND json_type(codes) = 'array'),
        prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),
        hash TEXT NOT NULL UNIQUE CHECK (length(hash) = 64)
      ) STRICT;

      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

      INSERT INTO sequences (name, next) VALUES ('audit_seq', 1);
    `);
  },
};
