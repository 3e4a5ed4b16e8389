/**
 * The transactional outbox (architecture "Sync principles"). Appends run inside the caller's
 * transaction when there is one (better-sqlite3 nests transactions as savepoints), so a business
 * write and its event commit together or not at all.
 */
import {
  EventPayloadSchema,
  EventTypeSchema,
  type EventOutcome,
} from '../../shared/contracts/sync/events.ts';
import { describeIssues, parseWire } from '../../shared/contracts/sync/wire.ts';
import type { Statement, WritableDb } from './db.ts';
import { StoreError } from './errors.ts';
import { uuidv7 } from './uuid.ts';

export interface AppendedEvent {
  readonly deviceSeq: number;
  readonly eventId: string;
  readonly type: string;
  readonly createdAt: number;
}

/** A pending event as the uploader needs it: the payload stays the JSON text it was stored as. */
export interface PendingEvent extends AppendedEvent {
  readonly payloadJson: string;
  readonly attempts: number;
}

export interface OutboxStats {
  readonly pending: number;
  readonly oldestPendingAt: number | null;
  readonly oldestPendingSeq: number | null;
  readonly rejected: number;
  readonly acked: number;
  /** The next device_seq this device will use. */
  readonly nextSeq: number;
}

export interface Settlement {
  readonly deviceSeq: number;
  readonly outcome: EventOutcome;
}

export class Outbox {
  private readonly s: Record<
    | 'nextSeq'
    | 'insert'
    | 'pending'
    | 'ack'
    | 'reject'
    | 'attempt'
    | 'counts'
    | 'oldest'
    | 'prune'
    | 'bump'
    | 'peekSeq',
    Statement
  >;

  constructor(
    private readonly db: WritableDb,
    private readonly now: () => number,
    private readonly randomBytes: (n: number) => Uint8Array,
  ) {
    this.s = {
      nextSeq: db.prepare(
        `UPDATE sequences SET next = next + 1 WHERE name = 'device_seq' RETURNING next - 1 AS seq`,
      ),
      insert: db.prepare(
        `INSERT INTO outbox (device_seq, event_id, type, payload, created_at) VALUES (?, ?, ?, ?, ?)`,
      ),
      pending: db.prepare(
        `SELECT device_seq AS deviceSeq, event_id AS eventId, type, payload AS payloadJson,
                created_at AS createdAt, attempts
           FROM outbox WHERE state = 'pending' AND device_seq > ? ORDER BY device_seq LIMIT ?`,
      ),
      ack: db.prepare(
        `UPDATE outbox SET state = 'acked', settled_at = ?, outcome = ? WHERE device_seq = ? AND state = 'pending'`,
      ),
      reject: db.prepare(
        `UPDATE outbox SET state = 'rejected', settled_at = ?, outcome = ? WHERE device_seq = ? AND state = 'pending'`,
      ),
      attempt: db.prepare(
        `UPDATE outbox SET attempts = attempts + 1 WHERE state = 'pending' AND device_seq BETWEEN ? AND ?`,
      ),
      counts: db.prepare(
        `SELECT
           (SELECT count(*) FROM outbox WHERE state = 'pending') AS pending,
           (SELECT count(*) FROM outbox WHERE state = 'rejected') AS rejected,
           (SELECT count(*) FROM outbox WHERE state = 'acked') AS acked`,
      ),
      oldest: db.prepare(
        `SELECT device_seq AS seq, created_at AS at FROM outbox WHERE state = 'pending' ORDER BY device_seq LIMIT 1`,
      ),
      prune: db.prepare(
        `DELETE FROM outbox WHERE device_seq IN (
           SELECT device_seq FROM outbox WHERE state = 'acked' AND settled_at < ? LIMIT ?)`,
      ),
      bump: db.prepare(`UPDATE sequences SET next = max(next, ?) WHERE name = 'device_seq'`),
      peekSeq: db.prepare(`SELECT next FROM sequences WHERE name = 'device_seq'`),
    };
  }

  /** Appends one event; call inside the business write's transaction. */
  append(type: string, payload: Readonly<Record<string, unknown>>): AppendedEvent {
    const t = parseWire(EventTypeSchema, type);
    const p = parseWire(EventPayloadSchema, payload);
    if (!t.ok || !p.ok) {
      throw new StoreError(
        'store/row-invalid',
        `event refused: ${describeIssues([...(t.ok ? [] : t.issues), ...(p.ok ? [] : p.issues)])}`,
      );
    }
    const createdAt = this.now();
    const eventId = uuidv7(createdAt, this.randomBytes(10));
    return this.db.transaction(() => {
      const { seq } = this.s.nextSeq.get() as { seq: number };
      this.s.insert.run(seq, eventId, type, JSON.stringify(p.value), createdAt);
      return { deviceSeq: seq, eventId, type, createdAt };
    })();
  }

  /** Up to `limit` pending events after `afterSeq`, in device_seq order. */
  pending(limit: number, afterSeq = 0): PendingEvent[] {
    return this.s.pending.all(afterSeq, limit) as PendingEvent[];
  }

  /** Counts one more delivery attempt for the pending events in [fromSeq, toSeq]. */
  noteAttempt(fromSeq: number, toSeq: number): void {
    this.s.attempt.run(fromSeq, toSeq);
  }

  /**
   * Records the backend's answers in one transaction: `stored` and `duplicate` mean delivered;
   * `conflict` and `refused` are final refusals, kept for an operator. Answers for events that
   * are no longer pending (a duplicated response) change nothing.
   */
  settle(results: readonly Settlement[]): { acked: number; rejected: number } {
    const at = this.now();
    return this.db.transaction(() => {
      let acked = 0;
      let rejected = 0;
      for (const r of results) {
        if (r.outcome === 'stored' || r.outcome === 'duplicate') {
          acked += this.s.ack.run(at, r.outcome, r.deviceSeq).changes;
        } else {
          rejected += this.s.reject.run(at, r.outcome, r.deviceSeq).changes;
        }
      }
      return { acked, rejected };
    })();
  }

  stats(): OutboxStats {
    const counts = this.s.counts.get() as { pending: number; rejected: number; acked: number };
    const oldest = this.s.oldest.get() as { seq: number; at: number } | undefined;
    const { next } = this.s.peekSeq.get() as { next: number };
    return {
      ...counts,
      oldestPendingAt: oldest?.at ?? null,
      oldestPendingSeq: oldest?.seq ?? null,
      nextSeq: next,
    };
  }

  /** Deletes up to `limit` acknowledged events settled before `before`; returns how many. */
  pruneAcked(before: number, limit = 10_000): number {
    return this.s.prune.run(before, limit).changes;
  }

  /**
   * Makes the next seq exceed `lastSeq`: when the backend already holds events up to `lastSeq`
   * from this device (a database restored from an old copy), new events must not reuse them.
   */
  continueAfter(lastSeq: number): void {
    this.s.bump.run(lastSeq + 1);
  }
}
