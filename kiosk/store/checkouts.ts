/**
 * Library checkouts in the local store (migration 0070): every write commits together with its
 * `checkout.*` outbox event, so an offline checkout the patron was told about is on disk, and
 * will be forwarded, even if the machine loses power the next instant.
 */
import {
  CHECKOUT_EVENT_TYPES,
  CheckoutPayloadSchema,
  type CheckoutPayload,
  type ExceptionReason,
} from '../../shared/contracts/sync/library.ts';
import { describeIssues, parseWire } from '../../shared/contracts/sync/wire.ts';
import type { Statement, WritableDb } from './db.ts';
import { guard, StoreError } from './errors.ts';
import type { AppendedEvent, Outbox } from './outbox.ts';

export interface CheckoutRecord {
  readonly txnId: string;
  readonly sessionId: string;
  readonly itemId: string;
  readonly occurredAt: number;
  /** YYYY-MM-DD. */
  readonly dueDate?: string | undefined;
}

export interface OfflineCheckout extends CheckoutRecord {
  /** The library system's patron id (SIP2 AA), needed to forward the checkout. */
  readonly patronId: string;
  readonly patronHash: Uint8Array;
}

export interface PendingCheckout extends OfflineCheckout {
  readonly attempts: number;
}

export interface CheckoutException {
  readonly txnId: string;
  readonly itemId: string;
  readonly patronId: string;
  readonly occurredAt: number;
  readonly dueDate: string | undefined;
  readonly settledAt: number;
  readonly reason: ExceptionReason;
}

export interface CheckoutStats {
  readonly pending: number;
  readonly exceptions: number;
  readonly oldestPendingAt: number | null;
}

type Row = {
  txnId: string;
  sessionId: string;
  itemId: string;
  patronId: string;
  patronHash: Buffer;
  occurredAt: number;
  dueDate: string | null;
  attempts: number;
  settledAt: number;
  reason: string;
};

const COLUMNS = `txn_id AS txnId, session_id AS sessionId, item_id AS itemId, patron_id AS patronId,
  patron_hash AS patronHash, occurred_at AS occurredAt, due_date AS dueDate, attempts,
  settled_at AS settledAt, reason`;

export class CheckoutStore {
  private readonly s: Record<
    | 'insert'
    | 'pending'
    | 'byTxn'
    | 'forwarded'
    | 'exception'
    | 'attempt'
    | 'exceptions'
    | 'resolve'
    | 'countFor'
    | 'stats',
    Statement
  >;

  constructor(
    private readonly db: WritableDb,
    private readonly outbox: Outbox,
    private readonly now: () => number,
  ) {
    this.s = {
      insert: db.prepare(
        `INSERT INTO library_checkouts
           (txn_id, session_id, item_id, patron_hash, patron_id, occurred_at, due_date, mode, state)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      pending: db.prepare(
        `SELECT ${COLUMNS} FROM library_checkouts WHERE state = 'pending' ORDER BY id LIMIT ?`,
      ),
      byTxn: db.prepare(`SELECT ${COLUMNS}, state FROM library_checkouts WHERE txn_id = ?`),
      forwarded: db.prepare(
        `UPDATE library_checkouts SET state = 'forwarded', patron_id = NULL, settled_at = ?,
           due_date = coalesce(?, due_date)
         WHERE txn_id = ? AND state = 'pending'`,
      ),
      exception: db.prepare(
        `UPDATE library_checkouts SET state = 'exception', settled_at = ?, reason = ?
         WHERE txn_id = ? AND state = 'pending'`,
      ),
      attempt: db.prepare(
        `UPDATE library_checkouts SET attempts = attempts + 1 WHERE txn_id = ? AND state = 'pending'`,
      ),
      exceptions: db.prepare(
        `SELECT ${COLUMNS} FROM library_checkouts WHERE state = 'exception' ORDER BY id`,
      ),
      resolve: db.prepare(
        `UPDATE library_checkouts SET state = 'resolved', patron_id = NULL, settled_at = ?
         WHERE txn_id = ? AND state = 'exception'`,
      ),
      countFor: db.prepare(
        `SELECT count(*) AS n FROM library_checkouts WHERE patron_hash = ? AND state = 'pending'`,
      ),
      stats: db.prepare(
        `SELECT
           (SELECT count(*) FROM library_checkouts WHERE state = 'pending') AS pending,
           (SELECT count(*) FROM library_checkouts WHERE state = 'exception') AS exceptions,
           (SELECT min(occurred_at) FROM library_checkouts WHERE state = 'pending') AS oldestPendingAt`,
      ),
    };
  }

  /** An online checkout the library system accepted. */
  recordCompleted(c: CheckoutRecord): AppendedEvent {
    return this.insertWithEvent('recording a checkout', CHECKOUT_EVENT_TYPES.completed, c, {
      mode: 'online',
      state: 'completed',
    });
  }

  /** An offline checkout, stored to forward when the library system is back. */
  storeOffline(c: OfflineCheckout): AppendedEvent {
    return this.insertWithEvent('storing an offline checkout', CHECKOUT_EVENT_TYPES.stored, c, {
      mode: 'offline',
      state: 'pending',
      patron: { hash: c.patronHash, id: c.patronId },
    });
  }

  /** A checkout row and its event, in one transaction; the patron is kept only to forward. */
  private insertWithEvent(
    doing: string,
    type: string,
    c: CheckoutRecord,
    o: {
      mode: 'online' | 'offline';
      state: 'completed' | 'pending';
      patron?: { hash: Uint8Array; id: string };
    },
  ): AppendedEvent {
    return this.write(
      doing,
      type,
      {
        txnId: c.txnId,
        occurredAt: c.occurredAt,
        mode: o.mode,
        ...(c.dueDate ? { dueDate: c.dueDate } : {}),
      },
      () => {
        this.s.insert.run(
          c.txnId,
          c.sessionId,
          c.itemId,
          o.patron ? Buffer.from(o.patron.hash) : null,
          o.patron?.id ?? null,
          c.occurredAt,
          c.dueDate ?? null,
          o.mode,
          o.state,
        );
      },
    );
  }

  /** The oldest pending checkouts first: forwarding keeps the order they happened in. */
  pending(limit = 100): PendingCheckout[] {
    return guard('reading pending checkouts', () =>
      (this.s.pending.all(limit) as Row[]).map((r) => ({
        txnId: r.txnId,
        sessionId: r.sessionId,
        itemId: r.itemId,
        patronId: r.patronId,
        patronHash: new Uint8Array(r.patronHash),
        occurredAt: r.occurredAt,
        dueDate: r.dueDate ?? undefined,
        attempts: r.attempts,
      })),
    );
  }

  /** Checkouts of this patron still waiting to be forwarded (for the offline limit). */
  pendingCountFor(patronHash: Uint8Array): number {
    return guard(
      'counting pending checkouts',
      () => (this.s.countFor.get(Buffer.from(patronHash)) as { n: number }).n,
    );
  }

  noteAttempt(txnId: string): void {
    guard('counting a forwarding attempt', () => this.s.attempt.run(txnId));
  }

  /** The library system accepted it; the patron's library id is no longer kept. */
  markForwarded(txnId: string, dueDate?: string): AppendedEvent | undefined {
    const row = this.row(txnId);
    if (!row || row.state !== 'pending') return undefined; // already settled (a repeat)
    const due = dueDate ?? row.dueDate ?? undefined;
    return this.write(
      'recording a forwarded checkout',
      CHECKOUT_EVENT_TYPES.forwarded,
      {
        txnId,
        occurredAt: row.occurredAt,
        mode: 'offline',
        ...(due ? { dueDate: due } : {}),
      },
      () => {
        this.s.forwarded.run(this.now(), dueDate ?? null, txnId);
      },
    );
  }

  /** The library system refused it: an exception for staff. */
  markException(txnId: string, reason: ExceptionReason): AppendedEvent | undefined {
    const row = this.row(txnId);
    if (!row || row.state !== 'pending') return undefined;
    return this.write(
      'recording a checkout exception',
      CHECKOUT_EVENT_TYPES.exception,
      {
        txnId,
        occurredAt: row.occurredAt,
        mode: 'offline',
        reason,
        itemId: row.itemId,
        patronHash: row.patronHash.toString('hex'),
        ...(row.dueDate ? { dueDate: row.dueDate } : {}),
      },
      () => {
        this.s.exception.run(this.now(), reason, txnId);
      },
    );
  }

  /** Exceptions staff have not resolved yet, oldest first. */
  exceptions(): CheckoutException[] {
    return guard('reading checkout exceptions', () =>
      (this.s.exceptions.all() as Row[]).map((r) => ({
        txnId: r.txnId,
        itemId: r.itemId,
        patronId: r.patronId,
        occurredAt: r.occurredAt,
        dueDate: r.dueDate ?? undefined,
        settledAt: r.settledAt,
        reason: r.reason as ExceptionReason,
      })),
    );
  }

  resolve(txnId: string): AppendedEvent | undefined {
    const row = this.row(txnId);
    if (!row || row.state !== 'exception') return undefined;
    return this.write(
      'resolving a checkout exception',
      CHECKOUT_EVENT_TYPES.resolved,
      {
        txnId,
        occurredAt: row.occurredAt,
        mode: 'offline',
      },
      () => {
        this.s.resolve.run(this.now(), txnId);
      },
    );
  }

  stats(): CheckoutStats {
    return guard('counting checkouts', () => this.s.stats.get() as CheckoutStats);
  }

  private row(txnId: string): (Row & { state: string }) | undefined {
    return guard(
      'reading a checkout',
      () => this.s.byTxn.get(txnId) as (Row & { state: string }) | undefined,
    );
  }

  /** The business write and its event, in one transaction. */
  private write(
    doing: string,
    type: string,
    payload: CheckoutPayload,
    business: () => void,
  ): AppendedEvent {
    const parsed = parseWire(CheckoutPayloadSchema, payload);
    if (!parsed.ok) {
      throw new StoreError(
        'store/row-invalid',
        `checkout refused: ${describeIssues(parsed.issues)}`,
      );
    }
    return guard(doing, () =>
      this.db
        .transaction(() => {
          business();
          return this.outbox.append(type, parsed.value);
        })
        .immediate(),
    );
  }
}
