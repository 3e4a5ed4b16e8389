import { serializeError } from '../../shared/errors.ts';
import { silentLogger, type Logger } from '../../shared/log.ts';
import { ReaderError } from '../errors.ts';
import {
  Listeners,
  type ConnectOptions,
  type ReaderEvent,
  type ReaderHub,
  type ReaderSnapshot,
} from '../hub.ts';
import type { CardTransport } from '../transport/types.ts';
import type { PcscBinding, PcscBindingFactory, PcscReaderBinding } from './binding.ts';
import { SCARD_PROTOCOL, SCARD_SHARE, SCARD_STATE, eventCountOf } from './constants.ts';
import { pcscError } from './errors.ts';
import { diffReaderState, isPresent, type ReaderState } from './state.ts';
import { PcscTransport } from './transport.ts';

export interface PcscHubOptions {
  readonly logger?: Logger;
  /** First delay before re-establishing a lost context; doubles up to `maxRetryMs`. */
  readonly retryMs?: number;
  readonly maxRetryMs?: number;
  /** How long to wait for the reader to report a removal after an ambiguous transmit failure. */
  readonly removalGraceMs?: number;
}

interface ReaderEntry {
  readonly binding: PcscReaderBinding;
  state: ReaderState | undefined;
  session: PcscTransport | undefined;
  readonly waiters: Set<() => void>;
  /** Why the reader's status thread failed, if it did: decides how its end is reported. */
  endReason: 'reader-gone' | 'transport-lost';
}

/**
 * Readers and cards through pcscd. Keeps one PC/SC context; derives reader and card events
 * from state bit-diffs; opens exclusive sessions; and when pcscd stops or restarts, reports
 * `service-down`, fails open sessions with `reader/transport-lost`, and re-establishes the
 * context with backoff until pcscd is back (`service-up`, readers re-attached).
 */
export class PcscHub implements ReaderHub {
  private readonly factory: PcscBindingFactory;
  private readonly log: Logger;
  private readonly retryMs: number;
  private readonly maxRetryMs: number;
  private readonly removalGraceMs: number;
  private readonly listeners: Listeners<ReaderEvent>;
  private readonly entries = new Map<string, ReaderEntry>();
  private binding: PcscBinding | undefined;
  private generation = 0;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private currentRetryMs: number;
  private downReported = false;
  status: 'up' | 'down' = 'down';
  /** Settles after the first attempt to reach pcscd (whatever its outcome). */
  readonly started: Promise<void>;

  constructor(factory: PcscBindingFactory, options: PcscHubOptions = {}) {
    this.factory = factory;
    this.log = (options.logger ?? silentLogger).child({ module: 'reader:pcsc' });
    this.retryMs = options.retryMs ?? 250;
    this.maxRetryMs = options.maxRetryMs ?? 2000;
    this.removalGraceMs = options.removalGraceMs ?? 1000;
    this.currentRetryMs = this.retryMs;
    this.listeners = new Listeners((error) =>
      this.log.error({ err: serializeError(error) }, 'listener threw'),
    );
    // Deferred, so a caller that subscribes right after construction sees the first events.
    this.started = Promise.resolve().then(() => this.establish());
  }

  readers(): readonly ReaderSnapshot[] {
    return [...this.entries.entries()].map(([name, e]) => snapshot(name, e));
  }

  subscribe(listener: (event: ReaderEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  /**
   * The binding announces the initial readers together, then each reader's first state; an
   * empty reader list is never announced, hence the time limit.
   */
  async settled(timeoutMs = 1500): Promise<void> {
    await this.started;
    const until = performance.now() + timeoutMs;
    const quietFor = 150; // with no reader at all, wait this long for one to show up
    const since = performance.now();
    while (performance.now() < until) {
      const entries = [...this.entries.values()];
      if (entries.length > 0 && entries.every((e) => e.state !== undefined)) return;
      if (this.status === 'down' && performance.now() - since > quietFor) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async connect(reader: string, options: ConnectOptions = {}): Promise<CardTransport> {
    const entry = this.entries.get(reader);
    if (this.closed) throw new ReaderError('reader/closed', 'the reader hub is closed');
    if (!entry) {
      throw new ReaderError(
        this.status === 'up' ? 'reader/unknown-reader' : 'reader/transport-lost',
        this.status === 'up' ? `no reader named "${reader}"` : 'pcscd is not reachable',
        { details: { reader } },
      );
    }
    if (entry.session && !entry.session.isClosed) {
      throw new ReaderError('reader/busy', `a session is already open on "${reader}"`, {
        details: { reader },
      });
    }
    if (entry.state && !isPresent(entry.state.state)) {
      throw new ReaderError('reader/no-card', `no card on "${reader}"`, { details: { reader } });
    }
    const share = options.share === 'shared' ? SCARD_SHARE.SHARED : SCARD_SHARE.EXCLUSIVE;
    const protocol = await new Promise<number>((resolve, reject) => {
      entry.binding.connect(
        { share_mode: share, protocol: SCARD_PROTOCOL.T0 | SCARD_PROTOCOL.T1 },
        (err, p) => (err ? reject(pcscError(err, 'SCardConnect', reader)) : resolve(p)),
      );
    });
    const state = entry.state;
    const transport = new PcscTransport({
      binding: entry.binding,
      readerName: reader,
      protocol,
      atr: state ? state.atr : new Uint8Array(0),
      connectEventCount: state ? eventCountOf(state.state) : 0,
      eventCount: () => (entry.state ? eventCountOf(entry.state.state) : 0),
      cardStillThere: (since) => this.cardStillThere(entry, since),
      timeoutMs: options.exchangeTimeoutMs ?? 10_000,
      logger: this.log,
      onClose: () => {
        if (entry.session === transport) entry.session = undefined;
      },
    });
    entry.session = transport;
    return transport;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const sessions = [...this.entries.values()].flatMap((e) => (e.session ? [e.session] : []));
    await Promise.allSettled(sessions.map((s) => s.close('reset')));
    this.teardown();
  }

  /**
   * After an ambiguous transmit failure: true if the same card is still present once the
   * reader had `removalGraceMs` to report a removal (contactless readers report it late).
   */
  private async cardStillThere(entry: ReaderEntry, since: number): Promise<boolean> {
    const gone = (): boolean =>
      !entry.state || !isPresent(entry.state.state) || eventCountOf(entry.state.state) !== since;
    if (gone()) return false;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.removalGraceMs);
      function done(): void {
        clearTimeout(timer);
        entry.waiters.delete(done);
        resolve();
      }
      entry.waiters.add(done);
    });
    return !gone();
  }

  private establish(): void {
    if (this.closed) return;
    let binding: PcscBinding;
    try {
      binding = this.factory();
    } catch (error) {
      this.reportDown(error);
      this.scheduleRetry();
      return;
    }
    const generation = ++this.generation;
    this.binding = binding;
    binding.on('error', (error) => {
      if (generation === this.generation) this.lost(error);
    });
    binding.on('reader', (reader) => {
      if (generation === this.generation) this.attach(reader);
    });
    this.status = 'up';
    this.downReported = false;
    this.currentRetryMs = this.retryMs;
    this.log.info({}, 'PC/SC context established');
    this.listeners.emit({ type: 'service-up' });
  }

  private attach(binding: PcscReaderBinding): void {
    const name = binding.name;
    const entry: ReaderEntry = {
      binding,
      state: undefined,
      session: undefined,
      waiters: new Set(),
      endReason: 'reader-gone',
    };
    this.entries.set(name, entry);
    this.listeners.emit({ type: 'reader-attached', reader: name });
    binding.on('status', (status) => {
      if (this.entries.get(name) !== entry) return;
      const next: ReaderState = { state: status.state, atr: new Uint8Array(status.atr ?? []) };
      const events = diffReaderState(name, entry.state, next);
      entry.state = next;
      for (const w of [...entry.waiters]) w();
      for (const e of events) this.listeners.emit(e);
    });
    binding.on('error', (error) => {
      // The reader's status thread ended with an error; 'end' follows. pcscd going away is
      // reported on the context as well, which drives recovery.
      const err = pcscError(error, 'SCardGetStatusChange', name);
      if (err.code === 'reader/transport-lost') entry.endReason = 'transport-lost';
      this.log.warn({ reader: name, err: err.toJSON() }, 'reader error');
    });
    binding.on('end', () => {
      if (this.entries.get(name) === entry) this.detach(name, entry, entry.endReason);
    });
  }

  private detach(name: string, entry: ReaderEntry, why: 'reader-gone' | 'transport-lost'): void {
    this.entries.delete(name);
    entry.binding.removeAllListeners();
    entry.binding.on('error', () => undefined); // a late error from its thread must not go unhandled
    entry.session?.invalidate(
      new ReaderError(
        why === 'reader-gone' ? 'reader/reader-gone' : 'reader/transport-lost',
        why === 'reader-gone' ? `reader "${name}" was removed` : 'pcscd went away',
        { details: { reader: name } },
      ),
    );
    for (const w of [...entry.waiters]) w();
    if (entry.state && isPresent(entry.state.state)) {
      this.listeners.emit({
        type: 'card-removed',
        reader: name,
        eventCount: eventCountOf(entry.state.state),
      });
    }
    this.listeners.emit({ type: 'reader-detached', reader: name });
  }

  private lost(error: unknown): void {
    const err = pcscError(error, 'SCardGetStatusChange', 'context');
    this.log.warn({ err: err.toJSON() }, 'PC/SC context lost');
    this.teardown();
    this.reportDown(err);
    this.scheduleRetry();
  }

  private teardown(): void {
    this.generation += 1; // late callbacks from the old binding are ignored from here on
    for (const [name, entry] of [...this.entries]) this.detach(name, entry, 'transport-lost');
    const binding = this.binding;
    this.binding = undefined;
    if (binding) {
      binding.removeAllListeners();
      binding.on('error', () => undefined); // errors after teardown must not be unhandled
      try {
        binding.close();
      } catch (error) {
        this.log.debug({ err: serializeError(error) }, 'closing the PC/SC context failed');
      }
    }
    this.status = 'down';
  }

  private reportDown(error: unknown): void {
    this.status = 'down';
    if (this.downReported) return;
    this.downReported = true;
    const err =
      error instanceof ReaderError ? error : pcscError(error, 'SCardEstablishContext', 'context');
    this.listeners.emit({ type: 'service-down', error: err.toJSON() });
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer) return;
    const wait = this.currentRetryMs;
    this.currentRetryMs = Math.min(this.currentRetryMs * 2, this.maxRetryMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.establish();
    }, wait);
    this.retryTimer.unref?.();
  }
}

function snapshot(name: string, e: ReaderEntry): ReaderSnapshot {
  const state = e.state?.state ?? 0;
  const present = isPresent(state);
  const base = {
    name,
    cardPresent: present,
    mute: (state & SCARD_STATE.MUTE) !== 0,
    eventCount: eventCountOf(state),
    exclusive: (state & SCARD_STATE.EXCLUSIVE) !== 0 && !(e.session && !e.session.isClosed),
    inSession: Boolean(e.session && !e.session.isClosed),
  };
  return present && e.state ? { ...base, atr: Buffer.from(e.state.atr).toString('hex') } : base;
}
