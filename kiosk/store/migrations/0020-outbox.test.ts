import { describe, expect, it } from 'vitest';
import { createDb, explain, tableNames } from '../testing.ts';

describe('migration 0020 outbox', () => {
  it('creates the outbox with partial indexes for pending and acknowledged rows', () => {
    const db = createDb(20);
    expect(tableNames(db)).toContain('outbox');
    expect(
      explain(
        db,
        `SELECT * FROM outbox WHERE state = 'pending' AND device_seq > ? ORDER BY device_seq LIMIT 10`,
        0,
      ),
    ).toContain('USING INDEX outbox_pending');
  });

  it('refuses unknown states, invalid JSON and repeated event ids', () => {
    const db = createDb(20);
    const insert = db.prepare(
      `INSERT INTO outbox (device_seq, event_id, type, payload, created_at, state) VALUES (?, ?, 'a.b', ?, 0, ?)`,
    );
    insert.run(1, 'e1', '{}', 'pending');
    expect(() => insert.run(2, 'e2', '{}', 'sent')).toThrow();
    expect(() => insert.run(3, 'e3', '{', 'pending')).toThrow();
    expect(() => insert.run(4, 'e1', '{}', 'pending')).toThrow();
  });
});
