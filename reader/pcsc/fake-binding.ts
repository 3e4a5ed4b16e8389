import { EventEmitter } from 'node:events';
import type { CardSlot } from '../sim/slot.ts';
import type {
  NodeCallback,
  PcscBinding,
  PcscBindingFactory,
  PcscReaderBinding,
} from './binding.ts';
import { SCARD_DISPOSITION, SCARD_ERROR, SCARD_STATE } from './constants.ts';

/**
 * An in-process stand-in for the pcsclite binding, for unit tests of the hub's state machine
 * in situations vpcd cannot produce (a USB reader unplugged, a reader appearing later). It
 * raises the binding's own error messages ("... (0x80100069)"), so the same classification
 * code runs as with the real binding. Instance-scoped; no module state.
 */
export class FakePcsc {
  readonly slots = new Map<string, CardSlot>();
  private up = true;
  private readonly contexts = new Set<FakeContext>();
  /** Which reader binding holds each reader exclusively. */
  readonly holders = new Map<string, FakeReader>();
  /** SCARD codes the next transmit on a reader fails with, once. */
  readonly transmitFailures = new Map<string, number>();

  readonly factory: PcscBindingFactory = () => {
    if (!this.up)
      throw scardError('SCardEstablishContext', SCARD_ERROR.E_NO_SERVICE, 'Service not available.');
    const context = new FakeContext(this);
    this.contexts.add(context);
    return context;
  };

  get serviceUp(): boolean {
    return this.up;
  }

  plug(slot: CardSlot): void {
    this.slots.set(slot.name, slot);
    for (const c of this.contexts) c.announce(slot);
  }

  unplug(name: string): void {
    this.slots.delete(name);
    this.holders.delete(name);
    for (const c of this.contexts) c.readerGone(name);
  }

  /** pcscd stops: every context and reader thread fails, later contexts cannot be made. */
  stopService(): void {
    this.up = false;
    for (const c of this.contexts)
      c.failPending(scardError('SCardTransmit', SCARD_ERROR.F_COMM_ERROR, 'RPC transport error.'));
    this.holders.clear();
    for (const c of [...this.contexts]) c.serviceStopped();
    this.contexts.clear();
  }

  startService(): void {
    this.up = true;
  }

  forget(context: FakeContext): void {
    this.contexts.delete(context);
  }
}

function scardError(operation: string, code: number, text: string): Error {
  return new Error(`${operation} error: ${text}(0x${code.toString(16).padStart(8, '0')})`);
}

class FakeContext extends EventEmitter implements PcscBinding {
  private readonly fake: FakePcsc;
  private readonly readers = new Map<string, FakeReader>();
  private closed = false;

  constructor(fake: FakePcsc) {
    super();
    this.fake = fake;
    process.nextTick(() => {
      for (const slot of fake.slots.values()) this.announce(slot);
    });
  }

  announce(slot: CardSlot): void {
    if (this.closed || this.readers.has(slot.name)) return;
    const reader = new FakeReader(this.fake, slot);
    this.readers.set(slot.name, reader);
    this.emit('reader', reader);
    reader.start();
  }

  readerGone(name: string): void {
    const reader = this.readers.get(name);
    this.readers.delete(name);
    reader?.end();
  }

  failPending(error: Error): void {
    for (const r of this.readers.values()) r.failPending(error);
  }

  serviceStopped(): void {
    const error = scardError(
      'SCardGetStatusChange',
      SCARD_ERROR.F_COMM_ERROR,
      'RPC transport error.',
    );
    for (const r of this.readers.values()) r.fail(error);
    this.readers.clear();
    if (!this.closed) this.emit('error', error);
  }

  close(): void {
    this.closed = true;
    for (const r of this.readers.values()) r.close();
    this.readers.clear();
    this.fake.forget(this);
  }
}

class FakeReader extends EventEmitter implements PcscReaderBinding {
  readonly name: string;
  connected = false;
  private readonly fake: FakePcsc;
  private readonly slot: CardSlot;
  private unsubscribe: (() => void) | undefined;
  private connectCount = -1;
  private ended = false;
  private readonly pending = new Set<(error: Error) => void>();

  constructor(fake: FakePcsc, slot: CardSlot) {
    super();
    this.fake = fake;
    this.slot = slot;
    this.name = slot.name;
  }

  start(): void {
    this.unsubscribe = this.slot.subscribe(() => this.report());
    process.nextTick(() => this.report());
  }

  private state(): number {
    const present = this.slot.card !== undefined;
    const held = this.fake.holders.has(this.name);
    return (
      (((this.slot.eventCount & 0xffff) << 16) |
        SCARD_STATE.CHANGED |
        (present ? SCARD_STATE.PRESENT : SCARD_STATE.EMPTY) |
        (held ? SCARD_STATE.EXCLUSIVE | SCARD_STATE.INUSE : 0)) >>>
      0
    );
  }

  private report(): void {
    if (this.ended) return;
    const card = this.slot.card;
    this.emit(
      'status',
      card ? { state: this.state(), atr: Buffer.from(card.atr) } : { state: this.state() },
    );
  }

  connect(options: { share_mode: number; protocol: number }, callback: NodeCallback<number>): void {
    setImmediate(() => {
      if (this.ended)
        return callback(
          scardError('SCardConnect', SCARD_ERROR.E_UNKNOWN_READER, 'Unknown reader specified.'),
          0,
        );
      if (!this.slot.card)
        return callback(
          scardError('SCardConnect', SCARD_ERROR.E_NO_SMARTCARD, 'No smart card inserted.'),
          0,
        );
      const holder = this.fake.holders.get(this.name);
      if (holder && holder !== this) {
        return callback(
          scardError('SCardConnect', SCARD_ERROR.E_SHARING_VIOLATION, 'Sharing violation.'),
          0,
        );
      }
      if (options.share_mode === 1) this.fake.holders.set(this.name, this);
      this.connected = true;
      this.connectCount = this.slot.eventCount;
      this.slot.resetCard();
      callback(null, 2);
    });
  }

  transmit(
    data: Buffer,
    responseLength: number,
    _protocol: number,
    callback: NodeCallback<Buffer>,
  ): void {
    setImmediate(() => {
      if (this.ended)
        return callback(
          scardError('SCardTransmit', SCARD_ERROR.E_READER_UNAVAILABLE, 'Reader is unavailable.'),
          Buffer.alloc(0),
        );
      if (!this.connected) return callback(new Error('Card Reader not connected'), Buffer.alloc(0));
      if (this.slot.eventCount !== this.connectCount) {
        return callback(
          scardError('SCardTransmit', SCARD_ERROR.W_REMOVED_CARD, 'Card was removed.'),
          Buffer.alloc(0),
        );
      }
      const failure = this.fake.transmitFailures.get(this.name);
      if (failure !== undefined) {
        this.fake.transmitFailures.delete(this.name);
        return callback(scardError('SCardTransmit', failure, 'Injected failure.'), Buffer.alloc(0));
      }
      const answer = this.slot.exchange(new Uint8Array(data));
      switch (answer.kind) {
        case 'response':
          if (answer.bytes.length > responseLength) {
            return callback(
              scardError(
                'SCardTransmit',
                SCARD_ERROR.E_INSUFFICIENT_BUFFER,
                'Insufficient buffer.',
              ),
              Buffer.alloc(0),
            );
          }
          return callback(null, Buffer.from(answer.bytes));
        case 'pulled':
        case 'empty':
          return callback(
            scardError('SCardTransmit', SCARD_ERROR.W_REMOVED_CARD, 'Card was removed.'),
            Buffer.alloc(0),
          );
        case 'stalled': {
          // Never answers, until the reader or pcscd goes away (then SCardTransmit returns).
          const fail = (error: Error): void => {
            this.pending.delete(fail);
            callback(error, Buffer.alloc(0));
          };
          this.pending.add(fail);
          return undefined;
        }
      }
    });
  }

  disconnect(disposition: number, callback: (error?: Error | null) => void): void {
    setImmediate(() => {
      if (this.fake.holders.get(this.name) === this) this.fake.holders.delete(this.name);
      if (
        this.connected &&
        disposition !== SCARD_DISPOSITION.LEAVE &&
        this.slot.eventCount === this.connectCount
      ) {
        this.slot.resetCard();
      }
      this.connected = false;
      callback(null);
    });
  }

  failPending(error: Error): void {
    for (const f of [...this.pending]) f(error);
  }

  fail(error: Error): void {
    if (this.ended) return;
    this.emit('error', error);
    this.end();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.failPending(
      scardError('SCardTransmit', SCARD_ERROR.E_READER_UNAVAILABLE, 'Reader is unavailable.'),
    );
    this.unsubscribe?.();
    if (this.fake.holders.get(this.name) === this) this.fake.holders.delete(this.name);
    this.emit('end');
  }

  close(): void {
    this.end();
  }
}
