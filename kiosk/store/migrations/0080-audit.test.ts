import { describe, expect, it } from 'vitest';
import { createDb, tableNames } from '../testing.ts';

const HASH = 'a'.repeat(64);

describe('migration 0080 audit', () => {
  it('creates an append-only audit log with its own counter', () => {
    const db = createDb(80);
    expect(tableNames(db)).toContain('audit_log');
    expect(db.prepare(`SELECT next FROM sequences WHERE name = 'audit_seq'`).get()).toEqual({
      next: 1,
    });
    db.prepare(
      `INSERT INTO audit_log (seq, at, case_id, step, result, procedures, codes, prev_hash, hash)
       VALUES (1, 0, 'c', 'case-opened', 'ok', '[]', '[]', ?, ?)`,
    ).run(HASH, 'b'.repeat(64));
    expect(() => db.prepare(`UPDATE audit_log SET result = 'x'`).run()).toThrow(/append-only/);
    expect(() => db.prepare(`DELETE FROM audit_log`).run()).toThrow(/append-only/);
  });

  it('refuses rows that are not entries: bad JSON lists, short hashes, a repeated hash', () => {
    const db = createDb(80);
    const insert = db.prepare(
      `INSERT INTO audit_log (seq, at, case_id, step, result, procedures, codes, prev_hash, hash)
       VALUES (?, 0, 'c', 's', 'ok', ?, '[]', ?, ?)`,
    );
    insert.run(1, '[]', HASH, 'c'.repeat(64));
    expect(() => insert.run(2, '{}', HASH, 'd'.repeat(64))).toThrow();
    expect(() => insert.run(3, '[]', 'short', 'e'.repeat(64))).toThrow();
    expect(() => insert.run(4, '[]', HASH, 'c'.repeat(64))).toThrow();
    expect(() => insert.run(0, '[]', HASH, 'f'.repeat(64))).toThrow();
  });
});
