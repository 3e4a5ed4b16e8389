import { describe, expect, it } from 'vitest';
import { createDb, tableNames } from '../testing.ts';

describe('migration 0050 sync state', () => {
  it('creates a key-value table for the sync client', () => {
    const db = createDb(50);
    expect(tableNames(db)).toContain('sync_state');
    db.prepare(`INSERT INTO sync_state (key, value) VALUES ('clockOffsetMs', '0')`).run();
    expect(() =>
      db.prepare(`INSERT INTO sync_state (key, value) VALUES ('x', X'00')`).run(),
    ).toThrow();
  });
});
