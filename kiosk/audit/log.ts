/**
 * The audit log in the device database (migration 0080): each entry appended with its hash in
 * the chain, in one transaction with the `audit.entry` outbox event that carries it to the
 * backend, so the backend holds a copy of the chain a local attacker cannot rewrite.
 */
import type { Clock } from '../../shared/clock.ts';
import { describeIssues, parseWire } from '../../shared/contracts/sync/wire.ts';
import type { ReadableDb, Statement, WritableDb } from '../store/db.ts';
import { guard, StoreError } from '../store/errors.ts';
import type { Outbox } from '../store/outbox.ts';
import {
  entryHash,
  GENESIS_HASH,
  verifyChain,
  type AuditEntry,
  type AuditFields,
  type ChainReport,
} from './chain.ts';
import { AUDIT_EVENT_TYPE, AuditDraftSchema, type AuditDraft } from './schema.ts';

interface StoredRow {
  seq: number;
  at: number;
  caseId: string;
  step: string;
  result: string;
  method: string | null;
  person: string | null;
  procedures: string;
  codes: string;
  prevHash: string;
  hash: string;
}

const SELECT_ENTRIES = `SELECT seq, at, case_id AS caseId, step, result, method, person, procedures, codes,
         prev_hash AS prevHash, hash FROM audit_log ORDER BY seq`;
const WRITTEN = `SELECT next - 1 AS written FROM sequences WHERE name = 'audit_seq'`;

function stringList(json: string): string[] | undefined {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
  } catch {
    return undefined;
  }
}

function* entries(
  rows: Iterable<StoredRow>,
): Generator<AuditEntry | { seq: number; unreadable: true }> {
  for (const r of rows) {
    const procedures = stringList(r.procedures);
    const codes = stringList(r.codes);
    if (!procedures || !codes) yield { seq: r.seq, unreadable: true };
    else yield { ...r, procedures, codes };
  }
}

/** Checks the whole chain on any connection, streaming the rows (a log of years is fine). */
export function verifyAuditLog(db: ReadableDb): ChainReport {
  return guard('verifying the audit log', () => {
    const written = (db.prepare(WRITTEN).get() as { written: number } | undefined)?.written ?? 0;
    return verifyChain(
      entries(db.prepare(SELECT_ENTRIES).iterate() as Iterable<StoredRow>),
      written,
    );
  });
}

export class AuditLog {
  private readonly s: Record<'next' | 'last' | 'insert', Statement>;

  constructor(
    private readonly db: WritableDb,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {
    this.s = {
      next: db.prepare(
        `UPDATE sequences SET next = next + 1 WHERE name = 'audit_seq' RETURNING next - 1 AS seq`,
      ),
      last: db.prepare(`SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1`),
      insert: db.prepare(
        `INSERT INTO audit_log (seq, at, case_id, step, result, method, person, procedures, codes, prev_hash, hash)
         VALUES (@seq, @at, @caseId, @step, @result, @method, @person, @procedures, @codes, @prevHash, @hash)`,
      ),
    };
  }

  /** Appends one entry and its outbox event; refuses anything but codes (schema.ts). */
  append(draft: AuditDraft): AuditEntry {
    const parsed = parseWire(AuditDraftSchema, draft);
    if (!parsed.ok) {
      throw new StoreError(
        'store/row-invalid',
        `audit entry refused: ${describeIssues(parsed.issues)}`,
      );
    }
    const d = parsed.value;
    return guard('writing the audit log', () =>
      this.db
        .transaction(() => {
          const { seq } = this.s.next.get() as { seq: number };
          const prevHash =
            (this.s.last.get() as { hash: string } | undefined)?.hash ?? GENESIS_HASH;
          const fields: AuditFields = {
            seq,
            at: this.clock.now(),
            caseId: d.caseId,
            step: d.step,
            result: d.result,
            method: d.method ?? null,
            person: d.person ?? null,
            procedures: d.procedures ?? [],
            codes: d.codes ?? [],
          };
          const entry: AuditEntry = { ...fields, prevHash, hash: entryHash(prevHash, fields) };
          this.s.insert.run({
            ...entry,
            procedures: JSON.stringify(entry.procedures),
            codes: JSON.stringify(entry.codes),
          });
          this.outbox.append(AUDIT_EVENT_TYPE, { ...entry });
          return entry;
        })
        .immediate(),
    );
  }

  verify(): ChainReport {
    return verifyAuditLog(this.db);
  }
}
