import { describe, expect, it } from 'vitest';
import { assertOrdered } from '../../../kiosk/store/migrate.ts';
import { explain, tableNames } from '../../../kiosk/store/testing.ts';
import { memoryBackendDb } from '../db.ts';
import { BACKEND_MIGRATIONS } from './index.ts';

describe('backend migrations', () => {
  it('are ordered', () => {
    expect(() => assertOrdered(BACKEND_MIGRATIONS)).not.toThrow();
  });

  it('0010 dedupes events permanently on (device_id, device_seq)', () => {
    const db = memoryBackendDb(10);
    expect(tableNames(db)).toEqual(['devices', 'events', 'nonces']);
    db.prepare(
      `INSERT INTO devices (device_id, role, public_key, registered_at) VALUES ('bus-1', 'validator', 'k', 0)`,
    ).run();
    const insert = db.prepare(
      `INSERT INTO events (device_id, device_seq, event_id, type, payload, created_at, received_at) VALUES ('bus-1', ?, ?, 'a.b', '{}', 0, 0)`,
    );
    insert.run(1, 'e1');
    expect(() => insert.run(1, 'e2')).toThrow();
    expect(() => insert.run(2, 'e1')).toThrow();
    expect(() =>
      db
        .prepare(
          `INSERT INTO devices (device_id, role, public_key, registered_at) VALUES ('x', 'bus', 'k', 0)`,
        )
        .run(),
    ).toThrow();
  });

  it('0020 keeps versions and current rows keyed', () => {
    const db = memoryBackendDb(20);
    expect(tableNames(db)).toEqual(expect.arrayContaining(['dataset_versions', 'dataset_rows']));
    expect(
      explain(db, `SELECT row FROM dataset_rows WHERE dataset = ? ORDER BY key`, 'x'),
    ).toContain('SEARCH dataset_rows USING PRIMARY KEY (dataset=?)');
  });

  it('0030 counts rides per token and period through an index', () => {
    const db = memoryBackendDb(30);
    expect(
      explain(db, `SELECT count(*) FROM rides WHERE token_hash = ? AND period_key = ?`, 'h', 'p'),
    ).toContain('USING COVERING INDEX rides_period (period_key=? AND token_hash=?)');
  });
});
