import { describe, expect, it } from 'vitest';
import { createDb, explain, tableNames } from '../testing.ts';

describe('migration 0040 ride usage', () => {
  it('creates reconciled counts, cursors and local rides', () => {
    const db = createDb(40);
    expect(tableNames(db)).toEqual(
      expect.arrayContaining(['ride_usage', 'ride_usage_cursor', 'local_rides']),
    );
  });

  it('counts local rides per token and period through an index', () => {
    const db = createDb(40);
    expect(
      explain(
        db,
        `SELECT count(*) FROM local_rides WHERE token_hash = ? AND period_key = ? AND device_seq > ?`,
        Buffer.alloc(32),
        '2026-11',
        0,
      ),
    ).toContain('USING COVERING INDEX local_rides_token');
  });

  it('refuses negative counts', () => {
    const db = createDb(40);
    expect(() =>
      db
        .prepare(
          `INSERT INTO ride_usage (gen, token_hash, period_key, used) VALUES (1, ?, '2026-11', -1)`,
        )
        .run(Buffer.alloc(32)),
    ).toThrow();
  });
});
