import { describe, expect, it } from 'vitest';
import { createDb, explain, tableNames } from '../testing.ts';

describe('migration 0060 recent taps', () => {
  it('keeps one last tap per token hash', () => {
    const db = createDb(60);
    expect(tableNames(db)).toContain('recent_taps');
    const insert = db.prepare(
      `INSERT INTO recent_taps (token_hash, at, leg_group_id, paid_yen) VALUES (?, ?, ?, ?)`,
    );
    insert.run(Buffer.alloc(32), 1, 'community', 100);
    expect(() => insert.run(Buffer.alloc(32), 2, null, 0)).toThrow(/UNIQUE|PRIMARY/);
  });

  it('refuses identifiers that are not 32-byte hashes and negative fares', () => {
    const db = createDb(60);
    const insert = db.prepare(
      `INSERT INTO recent_taps (token_hash, at, leg_group_id, paid_yen) VALUES (?, ?, ?, ?)`,
    );
    expect(() => insert.run(Buffer.from('0123456789abcdef', 'hex'), 1, null, 0)).toThrow();
    expect(() => insert.run(Buffer.alloc(32), 1, null, -1)).toThrow();
  });

  it('prunes by time through its index', () => {
    const db = createDb(60);
    expect(explain(db, `DELETE FROM recent_taps WHERE at < ?`, 0)).toContain('recent_taps_at');
  });
});
