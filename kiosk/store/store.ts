/**
 * The device store: the one typed interface the rest of the kiosk uses for SQLite. It binds the
 * database to one device id, writes business records together with their outbox events, and
 * prunes what is no longer needed.
 */
import type {
  REFUSED_RIDE_EVENT_TYPE,
  UNIDENTIFIED_RIDE_EVENT_TYPE,
} from '../../shared/contracts/sync/rides.ts';
import {
  RIDE_EVENT_TYPE,
  RidePayloadSchema,
  TapEventPayloadSchema,
  type RidePayload,
  type TapEventPayload,
} from '../../shared/contracts/sync/rides.ts';
import { describeIssues, parseWire } from '../../shared/contracts/sync/wire.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Statement, WritableDb } from './db.ts';
import { CheckoutStore } from './checkouts.ts';
import { DatasetStore } from './datasets.ts';
import { guard, StoreError } from './errors.ts';
import { Lookups } from './lookups.ts';
import { Outbox, type AppendedEvent } from './outbox.ts';
import { SyncState } from './sync-state.ts';

export interface PruneReport {
  readonly events: number;
  readonly localRides: number;
  readonly datasetRows: number;
  readonly recentTaps: number;
}

/** A card's last tap on this device (migration 0060). */
export interface RecentTap {
  readonly at: number;
  readonly legGroupId: string | undefined;
  readonly paidYen: number;
}

export class DeviceStore {
  readonly outbox: Outbox;
  readonly datasets: DatasetStore;
  /** Lookups on the writer connection; a tap path on another thread opens its own (open.ts). */
  readonly lookups: Lookups;
  readonly syncState: SyncState;
  /** Library self-checkouts and their store-and-forward queue (migration 0070). */
  readonly checkouts: CheckoutStore;
  private readonly s: Record<
    'localRide' | 'pruneRides' | 'cursor' | 'lastTap' | 'rememberTap' | 'pruneTaps',
    Statement
  >;

  constructor(
    private readonly db: WritableDb,
    readonly deviceId: string,
    private readonly clock: Clock,
    randomBytes: (n: number) => Uint8Array,
  ) {
    guard('binding the database to its device', () => this.bind());
    this.outbox = new Outbox(db, () => clock.now(), randomBytes);
    this.datasets = new DatasetStore(db);
    this.lookups = new Lookups(db);
    this.syncState = new SyncState(db);
    this.checkouts = new CheckoutStore(db, this.outbox, () => clock.now());
    this.s = {
      localRide: db.prepare(
        `INSERT INTO local_rides (device_seq, token_hash, period_key, created_at) VALUES (?, ?, ?, ?)`,
      ),
      cursor: db.prepare(
        `SELECT c.through_seq AS throughSeq FROM dataset_state s
           JOIN ride_usage_cursor c ON c.gen = s.active_gen AND c.device_id = ?
          WHERE s.name = 'ride-usage'`,
      ),
      pruneRides: db.prepare(`DELETE FROM local_rides WHERE device_seq <= ?`),
      lastTap: db.prepare(
        `SELECT at, leg_group_id AS legGroupId, paid_yen AS paidYen FROM recent_taps WHERE token_hash = ?`,
      ),
      rememberTap: db.prepare(
        `INSERT INTO recent_taps (token_hash, at, leg_group_id, paid_yen) VALUES (?, ?, ?, ?)
         ON CONFLICT (token_hash) DO UPDATE SET at = excluded.at, leg_group_id = excluded.leg_group_id,
           paid_yen = excluded.paid_yen`,
      ),
      pruneTaps: db.prepare(`DELETE FROM recent_taps WHERE at < ?`),
    };
  }

  private bind(): void {
    this.db
      .transaction(() => {
        const row = this.db
          .prepare(`SELECT device_id AS deviceId FROM device WHERE id = 1`)
          .get() as { deviceId: string } | undefined;
        if (!row) {
          this.db
            .prepare(`INSERT INTO device (id, device_id, created_at) VALUES (1, ?, ?)`)
            .run(this.deviceId, this.clock.now());
        } else if (row.deviceId !== this.deviceId) {
          throw new StoreError(
            'store/device-mismatch',
            `this database belongs to device ${row.deviceId}, not ${this.deviceId}`,
            { details: { database: row.deviceId, configured: this.deviceId } },
          );
        }
      })
      .immediate();
  }

  /** An event with no business row of its own (audit, device status). */
  appendEvent(type: string, payload: Readonly<Record<string, unknown>>): AppendedEvent {
    return guard('writing an event', () => this.outbox.append(type, payload));
  }

  /**
   * A validated ride: its `ride.validated` event, the local allowance record when it used a
   * subsidised ride, and (given `tap`) the card's last tap here, in one transaction — a ride is
   * either wholly recorded or not at all.
   */
  recordRide(ride: RidePayload, tap?: RecentTap): AppendedEvent {
    const parsed = parseWire(RidePayloadSchema, ride);
    if (!parsed.ok)
      throw new StoreError('store/row-invalid', `ride refused: ${describeIssues(parsed.issues)}`);
    return guard('recording a ride', () =>
      this.db
        .transaction(() => {
          const event = this.outbox.append(RIDE_EVENT_TYPE, parsed.value);
          const token = Buffer.from(parsed.value.tokenHash, 'hex');
          if (parsed.value.subsidised) {
            this.s.localRide.run(event.deviceSeq, token, parsed.value.periodKey, event.createdAt);
          }
          if (tap) this.s.rememberTap.run(token, tap.at, tap.legGroupId ?? null, tap.paidYen);
          return event;
        })
        .immediate(),
    );
  }

  /** A tap that is not a ride of an identified rider (`ride.unidentified`, `ride.refused`). */
  recordTapEvent(
    type: typeof UNIDENTIFIED_RIDE_EVENT_TYPE | typeof REFUSED_RIDE_EVENT_TYPE,
    payload: TapEventPayload,
  ): AppendedEvent {
    const parsed = parseWire(TapEventPayloadSchema, payload);
    if (!parsed.ok)
      throw new StoreError('store/row-invalid', `tap refused: ${describeIssues(parsed.issues)}`);
    return guard('recording a tap', () => this.outbox.append(type, parsed.value));
  }

  /** The card's last tap on this device, if it was recorded. */
  lastTap(tokenHash: Uint8Array): RecentTap | undefined {
    const row = guard(
      'reading the last tap',
      () =>
        this.s.lastTap.get(tokenHash) as
          { at: number; legGroupId: string | null; paidYen: number } | undefined,
    );
    return row && { at: row.at, legGroupId: row.legGroupId ?? undefined, paidYen: row.paidYen };
  }

  /**
   * Deletes acknowledged events settled more than `retentionMs` ago, local rides the backend has
   * counted, last taps older than `recentTapMs` (the longest duplicate or transfer window), and a
   * bounded number of rows of retired dataset generations.
   */
  prune(retentionMs: number, recentTapMs = 24 * 3_600_000): PruneReport {
    return guard('pruning', () => {
      const now = this.clock.now();
      const events = this.outbox.pruneAcked(now - retentionMs);
      const cursor = this.s.cursor.get(this.deviceId) as { throughSeq: number } | undefined;
      const localRides = cursor ? this.s.pruneRides.run(cursor.throughSeq).changes : 0;
      const recentTaps = this.s.pruneTaps.run(now - recentTapMs).changes;
      const datasetRows = this.datasets.collectGarbage();
      return { events, localRides, datasetRows, recentTaps };
    });
  }

  /**
   * Stops SQLite from checkpointing inside whichever commit crosses the WAL threshold: a
   * validator calls `checkpoint` between taps instead, so no tap's commit pays for copying the
   * WAL into the database.
   */
  deferCheckpoints(): void {
    guard('deferring checkpoints', () => this.db.pragma('wal_autocheckpoint = 0'));
  }

  /** Copies what it can of the WAL into the database without waiting for readers (PASSIVE). */
  checkpoint(): void {
    guard('checkpointing', () => this.db.pragma('wal_checkpoint(PASSIVE)'));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
