import { describe, expect, it } from 'vitest';
import { createDb, tableNames } from '../testing.ts';

describe('migration 0010 device', () => {
  it('creates the device binding and counters starting at 1', () => {
    const db = createDb(10);
    expect(tableNames(db)).toEqual(['device', 'sequences']);
    expect(db.prepare(`SELECT name, next FROM sequences ORDER BY name`).all()).toEqual([
      { name: 'dataset_gen', next: 1 },
      { name: 'device_seq', next: 1 },
    ]);
  });

  it('allows one device row only, and STRICT refuses mistyped values', () => {
    const db = createDb(10);
    db.prepare(`INSERT INTO device (id, device_id, created_at) VALUES (1, 'bus-1', 0)`).run();
    expect(() =>
      db.prepare(`INSERT INTO device (id, device_id, created_at) VALUES (2, 'bus-2', 0)`).run(),
    ).toThrow();
    expect(() => db.prepare(`UPDATE sequences SET next = 'x'`).run()).toThrow();
  });
});
