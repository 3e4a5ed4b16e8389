import { describe, expect, it } from 'vitest';
import { createDb, tableNames } from '../testing.ts';

describe('migration 0090 checkpoints', () => {
  it('keeps one row: the last complete checkpoint', () => {
    const db = createDb(90);
    expect(tableNames(db)).toContain('checkpoints');
    const upsert = db.prepare(
      `INSERT INTO checkpoints (id, at, frames) VALUES (1, ?, ?)
       ON CONFLICT (id) DO UPDATE SET at = excluded.at, frames = excluded.frames`,
    );
    upsert.run(1000, 12);
    upsert.run(2000, 3);
    expect(db.prepare(`SELECT id, at, frames FROM checkpoints`).all()).toEqual([
      { id: 1, at: 2000, frames: 3 },
    ]);
    expect(() =>
      db.prepare(`INSERT INTO checkpoints (id, at, frames) VALUES (2, 0, 0)`).run(),
    ).toThrow(/CHECK/);
    expect(() => upsert.run(3000, -1)).toThrow(/CHECK/);
  });
});
