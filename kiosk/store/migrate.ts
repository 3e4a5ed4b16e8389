import type { Migration, WritableDb } from './db.ts';
import { StoreError } from './errors.ts';
import { MIGRATIONS } from './migrations/index.ts';

/** Throws unless versions strictly increase (a build error, caught by a unit test too). */
export function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    const before = migrations[i - 1];
    if (before && m.version <= before.version) {
      throw new StoreError(
        'store/migration-order',
        `migration ${m.version} does not follow ${before.version}`,
      );
    }
  });
}

export function schemaVersion(db: WritableDb): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the schema to `target` (default: the newest), each migration in its own transaction
 * together with its `user_version`, so a crash leaves a consistent, resumable version.
 * A database from a newer build is refused rather than guessed at.
 */
export function migrate(
  db: WritableDb,
  target?: number,
  migrations: readonly Migration[] = MIGRATIONS,
): number {
  assertOrdered(migrations);
  const newest = migrations.at(-1)?.version ?? 0;
  const goal = target ?? newest;
  const current = schemaVersion(db);
  if (current > newest) {
    throw new StoreError(
      'store/version-from-future',
      `the local database has schema ${current}; this build knows up to ${newest}`,
      { details: { current, newest } },
    );
  }
  for (const m of migrations) {
    if (m.version <= current || m.version > goal) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return schemaVersion(db);
}
