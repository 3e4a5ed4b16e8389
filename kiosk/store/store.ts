/**
 * The device store: the one typed interface the rest of the kiosk uses for SQLite. It binds the
 * database to one device id, writes business records together with their outbox events, and
 * prunes what is no longer needed.
 */
import { open, type FileHandle } from 'node:fs/promises';
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
import { withoutFsync, type Statement, type WritableDb } from './db.ts';
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

/** What `PRAGMA wal_checkpoint` answers, in WAL frames. */
interface WalCheckpointResult {
  readonly busy: number;
  readonly log: number;
  readonly checkpointed: number;
}

/** A complete WAL checkpoint, as noted in the `checkpoints` row (migration 0090). */
export interface CompletedCheckpoint {
  readonly at: number;
  readonly frames: number;
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
  /** total_changes() right after the last complete checkpoint was noted. */
  private changesAtCheckpoint: number | undefined;
  /** The WAL flush under way, and the one that callers arriving meanwhile wait for. */
  private flushing: Promise<void> | undefined;
  private nextFlush: Promise<void> | undefined;
  private readonly s: Record<
    | 'localRide'
    | 'pruneRides'
    | 'cursor'
    | 'lastTap'
    | 'rememberTap'
    | 'pruneTaps'
    | 'totalChanges'
    | 'noteCheckpoint',
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
      totalChanges: db.prepare(`SELECT total_changes()`).pluck(),
      noteCheckpoint: db.prepare(
        `INSERT INTO checkpoints (id, at, frames) VALUES (1, ?, ?)
         ON CONFLICT (id) DO UPDATE SET at = excluded.at, frames = excluded.frames`,
      ),
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

  /**
   * Copies what it can of the WAL into the database without waiting for readers (PASSIVE), and
   * nothing when this connection wrote nothing since the last complete checkpoint (an idle bus
   * does not wear its storage). After a complete one the next write restarts the WAL, and SQLite
   * syncs the new WAL header with that write; noting the checkpoint is that write, so the sync
   * happens here, between taps, and not inside the next tap's commit.
   */
  checkpoint(): CompletedCheckpoint | undefined {
    return guard('checkpointing', () => {
      if (this.s.totalChanges.get() === this.changesAtCheckpoint) return undefined;
      const [r] = this.db.pragma('wal_checkpoint(PASSIVE)') as WalCheckpointResult[];
      if (!r || r.busy !== 0 || r.checkpointed !== r.log) return undefined; // readers: next time
      const done = { at: this.clock.now(), frames: r.log };
      withoutFsync(this.db, () => this.s.noteCheckpoint.run(done.at, done.frames));
      this.changesAtCheckpoint = this.s.totalChanges.get() as number;
      return done;
    });
  }

  /**
   * Runs `write` (one or more transactions) without waiting for the disk in its commits; the
   * caller makes them durable with `flushWal()`. A validator does this so the rider's decision
   * does not wait on the fsync, which then runs beside the display update (docs/perf.md).
   */
  withoutFsync<T>(write: () => T): T {
    return guard('writing without fsync', () => withoutFsync(this.db, write));
  }

  /**
   * Makes every commit so far durable: fdatasync of the WAL file, on libuv's thread pool, so the
   * event loop goes on meanwhile. (fsync flushes the file, whichever descriptor wrote it.) One
   * flush runs at a time: callers that come while one is under way share the next one, which
   * starts when it ends, so a burst of taps never piles up open files or syncs. A checkpoint
   * that ran in between has already synced the WAL, so this is then cheap.
   */
  flushWal(): Promise<void> {
    if (this.db.memory) return Promise.resolve();
    if (!this.flushing) {
      const flushing = this.syncWal().finally(() => {
        if (this.flushing === flushing) this.flushing = undefined;
      });
      this.flushing = flushing;
      return flushing;
    }
    this.nextFlush ??= this.flushing
      .catch(() => undefined)
      .then(() => {
        this.nextFlush = undefined;
        return this.flushWal();
      });
    return this.nextFlush;
  }

  private async syncWal(): Promise<void> {
    let file: FileHandle;
    try {
      file = await open(`${this.db.name}-wal`, 'r');
    } catch (error) {
      // No WAL file: the last connection's close checkpointed it into the synced database.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new StoreError('store/io', 'the write-ahead log could not be opened to flush it', {
        cause: error,
        details: { errno: (error as NodeJS.ErrnoException).code },
      });
    }
    try {
      await file.datasync();
    } catch (error) {
      throw new StoreError('store/io', 'the write-ahead log could not be flushed to disk', {
        cause: error,
        details: { errno: (error as NodeJS.ErrnoException).code },
      });
    } finally {
      await file.close();
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
