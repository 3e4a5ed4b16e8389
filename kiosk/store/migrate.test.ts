import { describe, expect, it } from 'vitest';
import { hasErrorCode } from '../../shared/errors.ts';
import { assertOrdered, migrate, schemaVersion } from './migrate.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { createDb } from './testing.ts';

describe('migrations', () => {
  it('are numbered in steps of 10, strictly increasing, and the index asserts it', () => {
    expect(() => assertOrdered(MIGRATIONS)).not.toThrow();
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => (i + 1) * 10));
    const swapped = [MIGRATIONS[1], MIGRATIONS[0]].filter((m) => m !== undefined);
    expect(() => assertOrdered(swapped)).toThrow(
      expect.objectContaining({ code: 'store/migration-order' }),
    );
  });

  it('run one at a time and record user_version; a second run changes nothing', () => {
    const db = createDb(20);
    expect(schemaVersion(db)).toBe(20);
    expect(migrate(db)).toBe(MIGRATIONS.at(-1)?.version);
    expect(migrate(db)).toBe(MIGRATIONS.at(-1)?.version);
  });

  it('refuse a database from a newer build', () => {
    const db = createDb();
    db.pragma('user_version = 9990');
    try {
      migrate(db);
      expect.unreachable();
    } catch (error) {
      expect(hasErrorCode(error, 'store/version-from-future')).toBe(true);
    }
  });

  it('leave the previous version when a migration fails', () => {
    const db = createDb(10);
    const broken = [
      ...MIGRATIONS.slice(0, 1),
      {
        version: 20,
        name: 'broken',
        up: () => db.exec(`CREATE TABLE x (a INTEGER) STRICT; SELECT nope FROM x_missing`),
      },
    ];
    expect(() => migrate(db, undefined, broken)).toThrow();
    expect(schemaVersion(db)).toBe(10);
    expect(db.prepare(`SELECT name FROM sqlite_schema WHERE name = 'x'`).get()).toBeUndefined();
  });
});
