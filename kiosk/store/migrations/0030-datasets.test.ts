import { describe, expect, it } from 'vitest';
import { createDb, tableNames } from '../testing.ts';

describe('migration 0030 datasets', () => {
  it('creates generation-tagged dataset tables', () => {
    const db = createDb(30);
    expect(tableNames(db)).toEqual(
      expect.arrayContaining([
        'dataset_state',
        'dataset_staging',
        'entitlements',
        'deny_list',
        'documents',
      ]),
    );
  });

  it('holds token hashes as 32-byte blobs only, one per generation', () => {
    const db = createDb(30);
    const insert = db.prepare(
      `INSERT INTO entitlements (gen, token_hash, rider_category, valid_from, valid_to, rides_per_period, period)
       VALUES (?, ?, 'senior', '2026-04-01', '2027-03-31', 20, 'month')`,
    );
    insert.run(1, Buffer.alloc(32, 1));
    insert.run(2, Buffer.alloc(32, 1));
    expect(() => insert.run(1, Buffer.alloc(32, 1))).toThrow();
    expect(() => insert.run(1, Buffer.alloc(16, 1))).toThrow();
    expect(() => insert.run(1, 'a'.repeat(64))).toThrow();
  });
});
