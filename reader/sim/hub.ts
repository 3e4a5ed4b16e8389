import { toHex } from '../../shared/bytes.ts';
import { SerialQueue } from '../../shared/queue.ts';
import { withTimeout } from '../../shared/timeout.ts';
import { ReaderError } from '../errors.ts';
import {
  Listeners,
  type ConnectOptions,
  type ReaderEvent,
  type ReaderHub,
  type ReaderSnapshot,
} from '../hub.ts';
import type { CardTransport, Disposition } from '../transport/types.ts';
import type { CardSlot } from './slot.ts';

interface SlotEntry {
  readonly slot: CardSlot;
  readonly unsubscribe: () => void;
  session: SimTransport | undefined;
}

/**
 * Readers made of in-process slots: the same events and sessions as PC/SC, with no pcscd.
 * Used by unit tests of flows and by headless demos; integration tests put the same
 * simulated cards behind real pcscd through vpcd instead.
 */
export class SimHub implements ReaderHub {
  readonly status = 'up' as const;
  private readonly entries = new Map<string, SlotEntry>();
  private readonly listeners = new Listeners<ReaderEvent>();

  constructor(slots: readonly CardSlot[] = []) {
    for (const s of slots) this.attach(s);
  }

  /** Plugs a reader in. */
  attach(slot: CardSlot): void {
    if (this.entries.has(slot.name))
      throw new ReaderError('reader/busy', `reader "${slot.name}" exists`);
    const unsubscribe = slot.subscribe((event) => {
      if (event.type === 'inserted') {
        this.listeners.emit({
          type: 'card-present',
          reader: slot.name,
          atr: toHex(event.card.atr),
          eventCount: event.eventCount,
          mute: false,
        });
      } else {
        this.listeners.emit({
          type: 'card-removed',
          reader: slot.name,
          eventCount: event.eventCount,
        });
      }
    });
    this.entries.set(slot.name, { slot, unsubscribe, session: undefined });
    this.listeners.emit({ type: 'reader-attached', reader: slot.name });
    const card = slot.card;
    if (card) {
      this.listeners.emit({
        type: 'card-present',
        reader: slot.name,
        atr: toHex(card.atr),
        eventCount: slot.eventCount,
        mute: false,
      });
    }
  }

  /** Unplugs a reader: an open session fails with `reader/reader-gone`. */
  detach(name: string): void {
    const entry = this.entries.get(name);
    if (!entry) return;
    this.entries.delete(name);
    entry.unsubscribe();
    entry.session?.invalidate(
      new ReaderError('reader/reader-gone', `reader "${name}" was removed`),
    );
    if (entry.slot.card) {
      this.listeners.emit({
        type: 'card-removed',
        reader: name,
        eventCount: entry.slot.eventCount,
      });
    }
    this.listeners.emit({ type: 'reader-detached', reader: name });
  }

  readers(): readonly ReaderSnapshot[] {
    return [...this.entries.values()].map(({ slot, session }) => {
      const card = slot.card;
      const base = {
        name: slot.name,
        cardPresent: card !== undefined,
        mute: false,
        eventCount: slot.eventCount,
        exclusive: false,
        inSession: Boolean(session && !session.isClosed),
      };
      return card ? { ...base, atr: toHex(card.atr) } : base;
    });
  }

  subscribe(listener: (event: ReaderEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  settled(): Promise<void> {
    return Promise.resolve();
  }

  connect(reader: string, options: ConnectOptions = {}): Promise<CardTransport> {
    const entry = this.entries.get(reader);
    if (!entry)
      return Promise.reject(
        new ReaderError('reader/unknown-reader', `no reader named "${reader}"`),
      );
    if (entry.session && !entry.session.isClosed) {
      return Promise.reject(
        new ReaderError('reader/busy', `a session is already open on "${reader}"`),
      );
    }
    const card = entry.slot.card;
    if (!card) return Promise.reject(new ReaderError('reader/no-card', `no card on "${reader}"`));
    card.reset();
    const session = new SimTransport(entry.slot, options.exchangeTimeoutMs ?? 10_000, () => {
      if (entry.session === session) entry.session = undefined;
    });
    entry.session = session;
    return Promise.resolve(session);
  }

  close(): Promise<void> {
    for (const name of [...this.entries.keys()]) {
      const entry = this.entries.get(name);
      entry?.unsubscribe();
      entry?.session?.invalidate(new ReaderError('reader/closed', 'the reader hub is closed'));
    }
    this.entries.clear();
    return Promise.resolve();
  }
}

/** The in-process simulator transport: exchanges go straight to the slot's card. */
export class SimTransport implements CardTransport {
  readonly readerName: string;
  readonly atr: Uint8Array;
  readonly connectEventCount: number;
  private readonly slot: CardSlot;
  private readonly timeoutMs: number;
  private readonly onClose: () => void;
  private readonly queue = new SerialQueue();
  private dead: ReaderError | undefined;
  private closed = false;

  constructor(slot: CardSlot, timeoutMs: number, onClose: () => void) {
    this.slot = slot;
    this.readerName = slot.name;
    this.atr = slot.card?.atr ?? new Uint8Array(0);
    this.connectEventCount = slot.eventCount;
    this.timeoutMs = timeoutMs;
    this.onClose = onClose;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  eventCount(): number {
    return this.slot.eventCount;
  }

  invalidate(error: ReaderError): void {
    this.dead ??= error;
  }

  transmit(command: Uint8Array): Promise<Uint8Array> {
    return this.queue.run(async () => {
      if (this.closed) throw new ReaderError('reader/closed', 'the card session is closed');
      if (this.dead) throw this.dead;
      if (this.slot.eventCount !== this.connectEventCount) throw this.removed();
      const answer = this.slot.exchange(command);
      switch (answer.kind) {
        case 'response':
          return answer.bytes;
        case 'pulled':
        case 'empty':
          throw this.removed();
        case 'stalled':
          return withTimeout(
            new Promise<Uint8Array>(() => undefined),
            this.timeoutMs,
            () =>
              new ReaderError('reader/timeout', `no answer from the card on "${this.readerName}"`),
          ).catch((error: unknown) => {
            this.dead = new ReaderError('reader/transport-lost', 'the session stopped answering', {
              cause: error,
            });
            throw error;
          });
      }
    });
  }

  close(disposition: Disposition = 'reset'): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      if (disposition !== 'leave' && this.slot.eventCount === this.connectEventCount)
        this.slot.resetCard();
      this.onClose();
    }
    return Promise.resolve();
  }

  private removed(): ReaderError {
    this.dead = new ReaderError(
      'reader/card-removed',
      `the card left "${this.readerName}" during an exchange`,
    );
    return this.dead;
  }
}
