import type { ReaderEvent, ReaderHub } from '../../reader/hub.ts';
import { CardChannel } from '../../reader/transport/channel.ts';
import type { DeviceState } from '../../hardware/serial/framed-device.ts';
import type { Presentation } from '../../hardware/validator-display/driver.ts';
import { FareTableSchema } from '../../shared/contracts/fares.ts';
import {
  REFUSED_RIDE_EVENT_TYPE,
  UNIDENTIFIED_RIDE_EVENT_TYPE,
} from '../../shared/contracts/sync/rides.ts';
import type { Clock } from '../../shared/clock.ts';
import { serializeError } from '../../shared/errors.ts';
import { Listeners } from '../../shared/listeners.ts';
import { silentLogger, type Logger } from '../../shared/log.ts';
import { SerialQueue } from '../../shared/queue.ts';
import { tokenHash } from '../crypto.ts';
import type { TokenStatus } from '../store/lookups.ts';
import type { DeviceStore } from '../store/store.ts';
import {
  decideTap,
  recordFailed,
  rideToRecord,
  type TapDecision,
  type TapIdentity,
  type TapInput,
  type ValidatorPolicy,
} from './decide.ts';
import { FareEngine } from './fare-engine.ts';
import { readCardId, type CardId } from './identify.ts';
import { READY, presentDecision } from './present.ts';

interface Recorded {
  readonly decision: TapDecision;
  readonly recorded: TapRecorded;
  readonly deviceSeq: number | undefined;
}

/** How often the WAL is checkpointed when no tap is under way. */
const IDLE_CHECKPOINT_EVERY_MS = 2000;

/** The rider display as the service needs it (ValidatorDisplay, or nothing fitted). */
export interface RiderDisplay {
  present(p: Presentation): Promise<void>;
  readonly state: DeviceState;
}

/** What the tap left behind in the store. */
export type TapRecorded = 'ride' | 'unidentified' | 'refused' | 'none' | 'failed';

/** One tap, as the service reports it to the UI, the CLI and benchmarks (no identifiers). */
export interface TapReport {
  readonly reader: string;
  /** Clock time of the tap (after the card was read). */
  readonly at: number;
  /** Clock time of the card-present event. */
  readonly presentAt: number;
  readonly card: CardId['kind'];
  readonly decision: TapDecision;
  readonly recorded: TapRecorded;
  /** The outbox sequence number of the recorded event. */
  readonly deviceSeq: number | undefined;
  readonly timings: {
    /** Card I/O: connect, identify, read the identifier, disconnect. */
    readonly cardMs: number;
    /** Our own work after the card: hash, lookups, fare, commit. */
    readonly ownMs: number;
    /** The part of ownMs spent in the commit (with `fsync: 'in-commit'`, mostly the fsync). */
    readonly commitMs: number;
    /** From the card-present event to the committed decision. */
    readonly totalMs: number;
  };
}

export interface ValidatorServiceOptions {
  readonly hub: ReaderHub;
  readonly store: DeviceStore;
  readonly fleetKey: Uint8Array;
  readonly policy: ValidatorPolicy;
  readonly clock: Clock;
  /** Document key of the fare table in the `fares` dataset. */
  readonly fareTable?: string;
  readonly display?: RiderDisplay | undefined;
  /** Reader names (exact, or a prefix ending in "*"); absent: every reader. */
  readonly readers?: readonly string[] | undefined;
  readonly cardTimeoutMs?: number;
  readonly resultHoldMs?: number;
  /**
   * Pruning between taps (acknowledged events past retention, counted local rides, last taps
   * older than the longest duplicate or transfer window): a validator that is on for weeks
   * without a depot sync must not grow without bound.
   */
  readonly housekeeping?: {
    readonly everyMs: number;
    readonly retentionMs: number;
    readonly recentTapMs: number;
  };
  /**
   * When the tap's commit reaches the disk. `after-decision` (the default): the commit is
   * written without waiting for the disk and the WAL is fdatasync'd right after, on the thread
   * pool, while the display shows the result; a power cut in those few milliseconds can lose
   * that one tap's record. `in-commit`: the commit waits for the fsync (synchronous = FULL),
   * so the decision waits for the disk too (about 2–4 ms on the reference machine).
   */
  readonly fsync?: 'after-decision' | 'in-commit';
  readonly logger?: Logger;
}

/** A tap's record on disk: from the end of the card I/O to the end of the WAL's fdatasync. */
export interface TapDurable {
  readonly deviceSeq: number | undefined;
  readonly durableMs: number;
}

/**
 * The on-bus validator: for every card that arrives on a reader it serves, identify → keyed
 * hash → deny list → entitlement → fare decision → one transaction with the ride event and
 * allowance use → display, LED and buzzer → ready for the next card. Nothing here throws at the
 * caller: a pulled card, a malformed answer, a corrupt row, a missing fare rule or a full disk
 * each end in a decision with a reason, and the display being away only means it shows nothing.
 */
export class ValidatorService {
  private readonly o: ValidatorServiceOptions;
  private readonly log: Logger;
  private readonly taps = new Listeners<TapReport>();
  private readonly durable = new Listeners<TapDurable>();
  private readonly flushes = new Set<Promise<void>>();
  /** One tap at a time per reader, in arrival order. */
  private readonly queues = new Map<string, SerialQueue>();
  private readonly screen = new SerialQueue();
  /** The presentation waiting for the display, if one is (see show). */
  private nextPresentation: Presentation | undefined;
  private fares: { version: number; engine: FareEngine | undefined } | undefined;
  private readyTimer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private running: Promise<void>[] = [];
  private lastHousekeeping: number | undefined;
  private checkpointEvery: NodeJS.Timeout | undefined;

  constructor(options: ValidatorServiceOptions) {
    this.o = options;
    this.log = (options.logger ?? silentLogger).child({ module: 'validator' });
  }

  /** Starts serving taps; the display asks for the first card. */
  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.o.hub.subscribe((event) => this.onReaderEvent(event));
    try {
      this.o.store.deferCheckpoints();
    } catch (error) {
      this.log.warn({ err: serializeError(error) }, 'checkpoints stay automatic');
    }
    // Checkpoints run between taps (and on a quiet bus, after sync wrote datasets).
    this.checkpointEvery = setInterval(() => this.checkpointIfIdle(), IDLE_CHECKPOINT_EVERY_MS);
    this.checkpointEvery.unref?.();
    this.warmUp();
    this.show(READY);
  }

  /** The first rider should not pay for parsing the fare table and a cold page cache. */
  private warmUp(): void {
    this.fareEngine();
    try {
      const nobody = Buffer.alloc(32);
      this.o.store.lookups.tokenStatus(nobody, this.o.clock.now(), this.o.store.deviceId);
      this.o.store.lastTap(nobody);
    } catch {
      // a damaged store shows itself at the first tap, as a decision
    }
  }

  onTap(listener: (report: TapReport) => void): () => void {
    return this.taps.add(listener);
  }

  /** Each recorded tap once its record is on disk (with `fsync: 'after-decision'`). */
  onDurable(listener: (durable: TapDurable) => void): () => void {
    return this.durable.add(listener);
  }

  /** Stops taking taps and waits for the ones under way. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearTimeout(this.readyTimer);
    clearInterval(this.checkpointEvery);
    await Promise.allSettled(this.running);
    await Promise.allSettled(this.flushes);
    await this.screen.run(() => Promise.resolve());
  }

  private serves(reader: string): boolean {
    const wanted = this.o.readers;
    if (!wanted) return true;
    return wanted.some((w) => (w.endsWith('*') ? reader.startsWith(w.slice(0, -1)) : w === reader));
  }

  private onReaderEvent(event: ReaderEvent): void {
    if (event.type !== 'card-present' || !this.serves(event.reader)) return;
    const started = this.o.clock.monotonic();
    const presentAt = this.o.clock.now();
    let queue = this.queues.get(event.reader);
    if (!queue) this.queues.set(event.reader, (queue = new SerialQueue()));
    const run = queue
      .run(() => this.tap(event.reader, event.mute, started, presentAt))
      .catch((error: unknown) => {
        // tap() handles every failure it knows; this is the last line, never a crash.
        this.log.error({ err: serializeError(error), reader: event.reader }, 'tap failed');
      })
      .finally(() => {
        this.running = this.running.filter((p) => p !== run);
      });
    this.running.push(run);
  }

  private async readCard(reader: string, mute: boolean): Promise<CardId> {
    if (mute) return { kind: 'unreadable', code: 'reader/card-mute' };
    let channel: CardChannel;
    try {
      const transport = await this.o.hub.connect(reader, {
        share: 'exclusive',
        exchangeTimeoutMs: this.o.cardTimeoutMs ?? 1500,
      });
      channel = new CardChannel(transport, { logger: this.log });
    } catch (error) {
      return { kind: 'unreadable', code: serializeError(error).code };
    }
    try {
      return await readCardId(channel);
    } finally {
      await channel.close('leave').catch(() => undefined);
    }
  }

  private async tap(
    reader: string,
    mute: boolean,
    started: number,
    presentAt: number,
  ): Promise<void> {
    const card: CardId = await this.readCard(reader, mute);
    const cardDone = this.o.clock.monotonic();
    const at = this.o.clock.now();
    const { decision, recorded, deviceSeq, commitStarted } = this.decideAndRecord(card, at);
    const done = this.o.clock.monotonic();
    if (this.deferredFsync && recorded !== 'none' && recorded !== 'failed')
      this.flush(deviceSeq, cardDone);
    const report: TapReport = {
      reader,
      at,
      presentAt,
      card: card.kind,
      decision,
      recorded,
      deviceSeq,
      timings: {
        cardMs: cardDone - started,
        ownMs: done - cardDone,
        commitMs: done - commitStarted,
        totalMs: done - started,
      },
    };
    this.log.info(
      {
        reader,
        card: card.kind,
        outcome: decision.outcome,
        reason: decision.reason.code,
        fareYen: decision.fareYen,
        recorded,
        ...(card.kind === 'unreadable' ? { code: card.code } : {}),
        ms: Math.round(report.timings.totalMs * 100) / 100,
      },
      'tap',
    );
    this.taps.emit(report);
    this.show(presentDecision(decision));
    clearTimeout(this.readyTimer);
    this.readyTimer = setTimeout(() => this.show(READY), this.o.resultHoldMs ?? 3000);
    this.readyTimer.unref?.();
    this.housekeep(at);
  }

  private get deferredFsync(): boolean {
    return (this.o.fsync ?? 'after-decision') === 'after-decision';
  }

  /**
   * The tap's record to disk, beside the display update. A failed flush does not change the
   * decision the rider already has; it is logged, and the next checkpoint syncs the WAL again.
   */
  private flush(deviceSeq: number | undefined, from: number): void {
    const flushing = this.o.store
      .flushWal()
      .then(() => this.durable.emit({ deviceSeq, durableMs: this.o.clock.monotonic() - from }))
      .catch((error: unknown) => {
        this.log.error({ err: serializeError(error) }, 'the tap is recorded but not yet on disk');
      })
      .finally(() => this.flushes.delete(flushing));
    this.flushes.add(flushing);
  }

  /** Checkpoints the WAL when no tap is under way (see DeviceStore.deferCheckpoints). */
  private checkpointIfIdle(): void {
    if (this.running.length > 0) return;
    try {
      this.o.store.checkpoint();
    } catch (error) {
      this.log.warn({ err: serializeError(error) }, 'checkpoint failed');
    }
  }

  private housekeep(at: number): void {
    const h = this.o.housekeeping;
    if (!h) return;
    this.lastHousekeeping ??= at;
    if (at - this.lastHousekeeping < h.everyMs) return;
    this.lastHousekeeping = at;
    setImmediate(() => {
      try {
        const pruned = this.o.store.prune(h.retentionMs, h.recentTapMs);
        this.log.debug({ ...pruned }, 'housekeeping');
      } catch (error) {
        this.log.warn({ err: serializeError(error) }, 'housekeeping failed');
      }
    });
  }

  /** The synchronous part of a tap: no await between the lookup and the commit. */
  private decideAndRecord(card: CardId, at: number): Recorded & { commitStarted: number } {
    const { store } = this.o;
    let identity: TapIdentity;
    let status: TokenStatus | undefined;
    let lookupFailed = false;
    let lastTap: TapInput['lastTap'];
    let token: Buffer | undefined;
    if (card.kind === 'unreadable') {
      identity = { kind: 'unreadable', code: card.code };
    } else if (card.kind === 'unknown') {
      identity = { kind: 'unknown' };
    } else {
      token = tokenHash(this.o.fleetKey, card.tokenKind, card.id);
      identity = { kind: card.kind, tokenHash: token.toString('hex') };
      try {
        status = store.lookups.tokenStatus(token, at, store.deviceId);
        const last = store.lastTap(token);
        if (last) lastTap = { at: last.at, leg: last };
      } catch (error) {
        lookupFailed = true;
        this.log.error({ err: serializeError(error) }, 'entitlement lookup failed');
      }
    }

    const decision = decideTap({
      at,
      identity,
      status,
      lookupFailed,
      lastTap,
      dataAgeMs: this.dataAgeMs(at),
      fares: this.fareEngine(),
      policy: this.o.policy,
    });
    const commitStarted = this.o.clock.monotonic();
    const record = (): Recorded => this.record(decision, identity, token, at);
    return {
      ...(this.deferredFsync ? this.withoutFsync(record) : record()),
      commitStarted,
    };
  }

  /**
   * `record` with its commit not waiting for the disk. If that mode cannot be set, the tap is
   * recorded with the fsync in the commit; a failure after `record` ran never records it twice.
   */
  private withoutFsync(record: () => Recorded): Recorded {
    let result: Recorded | undefined;
    try {
      return this.o.store.withoutFsync(() => (result = record()));
    } catch (error) {
      this.log.warn({ err: serializeError(error) }, 'could not switch the commit mode');
      return result ?? record();
    }
  }

  /** What the decision leaves in the store: the ride, or the tap that was not one. */
  private record(
    decision: TapDecision,
    identity: TapIdentity,
    token: Buffer | undefined,
    at: number,
  ): Recorded {
    const { store } = this.o;
    try {
      const ride = rideToRecord(decision);
      if (ride && token) {
        const tapMemory = {
          at,
          legGroupId: decision.leg?.legGroupId,
          paidYen: decision.fareYen ?? 0,
        };
        return {
          decision,
          recorded: 'ride',
          deviceSeq: store.recordRide(ride, tapMemory).deviceSeq,
        };
      }
      const where = {
        routeId: this.o.policy.routeId,
        ...(this.o.policy.stopId ? { stopId: this.o.policy.stopId } : {}),
      };
      if (decision.outcome === 'accepted') {
        const e = store.recordTapEvent(UNIDENTIFIED_RIDE_EVENT_TYPE, {
          reason: decision.reason.code,
          ...(decision.fareYen === undefined ? {} : { fareYen: decision.fareYen }),
          ...where,
        });
        return { decision, recorded: 'unidentified', deviceSeq: e.deviceSeq };
      }
      if (decision.outcome === 'see-driver') {
        const e = store.recordTapEvent(REFUSED_RIDE_EVENT_TYPE, {
          reason: decision.reason.code,
          ...(identity.kind === 'felica' || identity.kind === 'my-number'
            ? { tokenHash: identity.tokenHash }
            : {}),
          ...where,
        });
        return { decision, recorded: 'refused', deviceSeq: e.deviceSeq };
      }
      return { decision, recorded: 'none', deviceSeq: undefined };
    } catch (error) {
      this.log.error({ err: serializeError(error) }, 'the tap could not be recorded');
      return { decision: recordFailed(decision), recorded: 'failed', deviceSeq: undefined };
    }
  }

  /** Age of the entitlement data: now minus the time the backend made the active version. */
  private dataAgeMs(at: number): number | undefined {
    try {
      const state = this.o.store.datasets.state('entitlements');
      return state ? Math.max(0, at - state.createdAt) : undefined;
    } catch {
      return undefined;
    }
  }

  /** The fare table of the active `fares` version, parsed once per version. */
  private fareEngine(): FareEngine | undefined {
    try {
      const version = this.o.store.datasets.state('fares')?.version ?? 0;
      if (this.fares?.version === version) return this.fares.engine;
      const doc =
        version === 0
          ? undefined
          : this.o.store.lookups.document('fares', this.o.fareTable ?? 'table');
      const parsed = doc === undefined ? undefined : FareTableSchema.safeParse(doc);
      if (parsed && !parsed.success)
        this.log.error(
          { version, issues: parsed.error.issues.length },
          'the fare table is invalid',
        );
      const engine = parsed?.success ? new FareEngine(parsed.data) : undefined;
      this.fares = { version, engine };
      return engine;
    } catch (error) {
      this.log.error({ err: serializeError(error) }, 'the fare table could not be read');
      return undefined;
    }
  }

  /**
   * Display updates go one at a time, and only the newest waiting one is kept: when taps come
   * faster than a slow or silent display answers, older results are dropped instead of queued
   * (nobody needs to see them, and a queue would grow for as long as the display is away).
   */
  private show(p: Presentation): void {
    const display = this.o.display;
    if (!display) return;
    const waiting = this.nextPresentation !== undefined;
    this.nextPresentation = p;
    if (waiting) return;
    void this.screen.run(async () => {
      const next = this.nextPresentation;
      this.nextPresentation = undefined;
      if (!next) return;
      try {
        await display.present(next);
      } catch (error) {
        this.log.warn({ err: serializeError(error) }, 'the rider display did not take the result');
      }
    });
  }
}
