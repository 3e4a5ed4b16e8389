import { describe, expect, it } from 'vitest';
import { LOOKUP_SQL } from './lookups.ts';
import { createDb, explain } from './testing.ts';

const HASH = Buffer.alloc(32, 7);

describe('hot query plans', () => {
  const db = createDb();
  it.each([
    [
      'entitlement',
      LOOKUP_SQL.entitlement,
      [HASH],
      'SEARCH e USING PRIMARY KEY (gen=? AND token_hash=?)',
    ],
    ['denied', LOOKUP_SQL.denied, [HASH], 'SEARCH d USING PRIMARY KEY (gen=? AND token_hash=?)'],
    [
      'document',
      LOOKUP_SQL.document,
      ['k', 'fares'],
      'SEARCH d USING PRIMARY KEY (gen=? AND key=?)',
    ],
    [
      'usage',
      LOOKUP_SQL.usage,
      [HASH, '2026-11'],
      'SEARCH u USING PRIMARY KEY (gen=? AND token_hash=? AND period_key=?)',
    ],
    ['cursor', LOOKUP_SQL.cursor, ['bus-1'], 'SEARCH c USING PRIMARY KEY (gen=? AND device_id=?)'],
    [
      'localRides',
      LOOKUP_SQL.localRides,
      [HASH, '2026-11', 0],
      'SEARCH local_rides USING COVERING INDEX local_rides_token (token_hash=? AND period_key=? AND device_seq>?)',
    ],
  ])('%s uses its key', (_name, sql, params, expected) => {
    const plan = explain(db, sql, ...params);
    expect(plan).toContain(expected);
    expect(plan).not.toMatch(/SCAN (e|d|u|c|local_rides)\b/);
  });

  it('reads dataset_state by its primary key', () => {
    expect(explain(db, LOOKUP_SQL.entitlement, HASH)).toContain(
      'SEARCH s USING INDEX sqlite_autoindex_dataset_state_1 (name=?)',
    );
  });
});
