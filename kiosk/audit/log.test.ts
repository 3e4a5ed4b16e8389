import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Outbox } from '../store/outbox.ts';
import { countingBytes, createDb, manualClock } from '../store/testing.ts';
import type { WritableDb } from '../store/db.ts';
import { entryHash } from './chain.ts';
import { AuditLog } from './log.ts';

const CASE = '0190a0b0-0000-7000-8000-000000000001';

function setup(n = 5): { db: WritableDb; log: AuditLog; outbox: Outbox } {
  const db = createDb();
  const clock = manualClock();
  const outbox = new Outbox(db, () => clock.now(), countingBytes);
  const log = new AuditLog(db, outbox, clock);
  const steps = ['case-opened', 'card-present', 'pin', 'card-read', 'lookup', 'procedures'];
  for (let i = 0; i < n; i += 1) {
    clock.advance(1000);
    log.append({
      caseId: CASE,
      step: steps[i % steps.length] as string,
      result: i === 2 ? 'wrong-pin' : 'ok',
      ...(i === 2 ? { method: 'pin', codes: ['reader/pin-wrong'], person: 'p1' } : {}),
      ...(i === 4 ? { procedures: ['resident-copy', 'nhi-enrol'] } : {}),
    });
  }
  return { db, log, outbox };
}

/** What an attacker with the database file can do: the triggers are only SQL, so drop them. */
function asAttacker(db: WritableDb, sql: string, ...params: unknown[]): void {
  db.exec(
    `DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;`,
  );
  db.prepare(sql).run(...params);
}

describe('audit log', () => {
  it('chains every entry and verifies; each entry also goes up as an audit.entry event', () => {
    const { log, outbox } = setup();
    const report = log.verify();
    expect(report).toMatchObject({ ok: true, entries: 5, head: { seq: 5 } });
    const events = outbox.pending(10);
    expect(events.map((e) => e.type)).toEqual(Array(5).fill('audit.entry'));
    const third = JSON.parse(events[2]?.payloadJson ?? '{}') as Record<string, unknown>;
    expect(third).toMatchObject({
      seq: 3,
      step: 'pin',
      result: 'wrong-pin',
      method: 'pin',
      person: 'p1',
    });
    expect(events.at(-1)?.payloadJson).toContain(report.head?.hash);
  });

  it('SQL cannot change or delete entries', () => {
    const { db } = setup();
    expect(() => db.prepare(`UPDATE audit_log SET result = 'ok' WHERE seq = 3`).run()).toThrow(
      /append-only/,
    );
    expect(() => db.prepare(`DELETE FROM audit_log WHERE seq = 3`).run()).toThrow(/append-only/);
  });

  it('a tampered row is named as the first broken entry', () => {
    const { db, log } = setup();
    asAttacker(db, `UPDATE audit_log SET result = 'ok', codes = '[]' WHERE seq = 3`);
    expect(log.verify()).toEqual({
      ok: false,
      entries: 3,
      firstBroken: { seq: 3, problem: 'altered' },
    });
  });

  it('a tampered row whose hash was recomputed breaks the link to the next one', () => {
    const { db, log } = setup();
    const row = db.prepare(`SELECT * FROM audit_log WHERE seq = 3`).get() as {
      at: number;
      prev_hash: string;
    };
    const fields = {
      seq: 3,
      at: row.at,
      caseId: CASE,
      step: 'pin',
      result: 'ok',
      method: 'pin',
      person: 'p1',
      procedures: [],
      codes: [],
    };
    asAttacker(
      db,
      `UPDATE audit_log SET result = 'ok', codes = '[]', hash = ? WHERE seq = 3`,
      entryHash(row.prev_hash, fields),
    );
    expect(log.verify().firstBroken).toEqual({ seq: 4, problem: 'unlinked' });
  });

  it('a deleted row, and a deleted last row, are detected', () => {
    const a = setup();
    asAttacker(a.db, `DELETE FROM audit_log WHERE seq = 2`);
    expect(a.log.verify().firstBroken).toEqual({ seq: 3, problem: 'sequence' });
    const b = setup();
    asAttacker(b.db, `DELETE FROM audit_log WHERE seq = 5`);
    expect(b.log.verify()).toMatchObject({
      ok: false,
      firstBroken: { seq: 5, problem: 'truncated' },
    });
  });

  it('reordered rows are detected', () => {
    const { db, log } = setup();
    asAttacker(db, `UPDATE audit_log SET seq = 100 WHERE seq = 2`);
    asAttacker(db, `UPDATE audit_log SET seq = 2 WHERE seq = 3`);
    asAttacker(db, `UPDATE audit_log SET seq = 3 WHERE seq = 100`);
    expect(log.verify()).toMatchObject({ ok: false, firstBroken: { seq: 2, problem: 'altered' } });
  });

  it('a row that is not an entry is unreadable, not a crash', () => {
    const { db, log } = setup();
    db.exec(`DROP TRIGGER audit_log_no_update`);
    db.exec(`PRAGMA ignore_check_constraints = ON`);
    db.prepare(`UPDATE audit_log SET codes = '[1]' WHERE seq = 4`).run();
    expect(log.verify().firstBroken).toEqual({ seq: 4, problem: 'unreadable' });
  });

  it('refuses anything that is not a code: no free text, no personal data', () => {
    const { log } = setup(0);
    for (const bad of [
      { caseId: CASE, step: '黒桐　幹也', result: 'ok' },
      { caseId: CASE, step: 'lookup', result: 'found: Tokyo' },
      { caseId: CASE, step: 'lookup', result: 'ok', codes: ['537686677188 x'] },
      { caseId: 'not-a-case', step: 'lookup', result: 'ok' },
      { caseId: CASE, step: 'lookup', result: 'ok', person: 'Mikiya' },
    ]) {
      expect(() => log.append(bad)).toThrow(expect.objectContaining({ code: 'store/row-invalid' }));
    }
    expect(log.verify()).toEqual({ ok: true, entries: 0 });
  });

  it('property: changing any field of any entry is caught at that entry', () => {
    const columns = [
      'at',
      'case_id',
      'step',
      'result',
      'method',
      'person',
      'procedures',
      'codes',
      'prev_hash',
    ];
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.constantFrom(...columns), (seq, column) => {
        const { db, log } = setup(6);
        const value =
          column === 'at'
            ? 1
            : column === 'procedures' || column === 'codes'
              ? '["x"]'
              : column === 'prev_hash'
                ? 'f'.repeat(64)
                : 'tampered';
        asAttacker(db, `UPDATE audit_log SET ${column} = ? WHERE seq = ?`, value, seq);
        const report = log.verify();
        expect(report.ok).toBe(false);
        expect(report.firstBroken?.seq).toBe(seq);
      }),
      { numRuns: 60 },
    );
  });
});
