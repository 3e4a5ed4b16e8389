import { describe, expect, it } from 'vitest';
import { createDb, explain, tableNames } from '../testing.ts';

const insert = `INSERT INTO library_checkouts
  (txn_id, session_id, item_id, patron_hash, patron_id, occurred_at, due_date, mode, state)
  VALUES (?, 's1', ?, ?, ?, 1, '2026-12-06', ?, ?)`;

describe('migration 0070 library checkouts', () => {
  it('creates the checkout table', () => {
    expect(tableNames(createDb(70))).toContain('library_checkouts');
  });

  it('keeps the patron id only while a checkout is pending or an exception', () => {
    const db = createDb(70);
    const hash = Buffer.alloc(32, 7);
    const run = (...args: unknown[]) => db.prepare(insert).run(...args);
    run('t1', 'i1', hash, 'L0001', 'offline', 'pending');
    run('t2', 'i2', null, null, 'online', 'completed');
    run('t3', 'i3', hash, null, 'offline', 'forwarded');
    expect(() => run('t4', 'i4', hash, null, 'offline', 'pending')).toThrow(/CHECK/);
    expect(() => run('t5', 'i5', null, 'L0001', 'online', 'completed')).toThrow(/CHECK/);
    expect(() => run('t6', 'i6', hash, 'L0001', 'online', 'pending')).toThrow(/CHECK/);
    expect(() => run('t7', 'i7', null, null, 'offline', 'forwarded')).toThrow(/CHECK/);
    expect(() => run('t8', 'i8', Buffer.alloc(16), 'L1', 'offline', 'pending')).toThrow(/CHECK/);
    expect(() => run('t1', 'i9', hash, 'L0001', 'offline', 'pending')).toThrow(/UNIQUE/);
    expect(() => run('t9', Buffer.from('i9'), hash, 'L1', 'offline', 'pending')).toThrow(); // STRICT
  });

  it('finds pending checkouts and a patron’s pending count through indexes', () => {
    const db = createDb(70);
    expect(
      explain(db, `SELECT id FROM library_checkouts WHERE state = 'pending' ORDER BY id LIMIT 10`),
    ).toContain('library_checkouts_pending');
    expect(
      explain(
        db,
        `SELECT count(*) FROM library_checkouts WHERE patron_hash = ? AND state = 'pending'`,
        Buffer.alloc(32),
      ),
    ).toContain('library_checkouts_patron');
  });
});
