import net from 'node:net';
import { serializeError } from '../../shared/errors.ts';
import { silentLogger, type Logger } from '../../shared/log.ts';
import { Listeners } from '../hub.ts';
import type { CardSlot } from '../sim/slot.ts';
import { VPCD_DEFAULT_HOST, VPCD_DEFAULT_PORT } from './constants.ts';
import { VpcdDecoder, encodeVpcdFrame } from './protocol.ts';

export interface VpcdBridgeOptions {
  readonly host?: string;
  readonly port?: number;
  readonly logger?: Logger;
  /** First reconnect delay when pcscd is not listening; doubles up to 2 s. */
  readonly reconnectMs?: number;
  /**
   * How long a reader stays empty between one card leaving and the next arriving. pcscd polls
   * vpcd for presence (every 400 ms, PCSCLITE_STATUS_POLL_RATE); a new connection made before
   * it polled would look like the same card still there, hiding a swap. People cannot swap
   * cards faster than this either.
   */
  readonly emptyHoldMs?: number;
}

export type BridgeEvent =
  | { readonly type: 'connected' }
  | { readonly type: 'disconnected'; readonly reason: 'card-removed' | 'peer-closed' | 'stopped' }
  | { readonly type: 'waiting'; readonly error: string };

/**
 * Puts the card held by a CardSlot behind real pcscd: while the slot holds a card, a TCP
 * connection to vpcd is the card in the reader; closing it is the card leaving. When pcscd
 * goes away while a card is held (restart, crash), the bridge keeps reconnecting until it is
 * back, so the card reappears on its own. A pull armed on the slot closes the connection in
 * the middle of an exchange, without an answer: pcscd sees the card vanish mid-APDU.
 */
export class VpcdBridge {
  readonly host: string;
  readonly port: number;
  private readonly slot: CardSlot;
  private readonly log: Logger;
  private readonly reconnectMs: number;
  private readonly listeners: Listeners<BridgeEvent>;
  private socket: net.Socket | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelay: number;
  private unsubscribe: (() => void) | undefined;
  private stopped = true;
  private readonly emptyHoldMs: number;
  private emptySince = 0;

  constructor(slot: CardSlot, options: VpcdBridgeOptions = {}) {
    this.slot = slot;
    this.host = options.host ?? VPCD_DEFAULT_HOST;
    this.port = options.port ?? VPCD_DEFAULT_PORT;
    this.reconnectMs = options.reconnectMs ?? 100;
    this.retryDelay = this.reconnectMs;
    this.emptyHoldMs = options.emptyHoldMs ?? 1000;
    this.log = (options.logger ?? silentLogger).child({ module: 'reader:vpcd', port: this.port });
    this.listeners = new Listeners((error) =>
      this.log.error({ err: serializeError(error) }, 'listener threw'),
    );
  }

  get connected(): boolean {
    return this.socket !== undefined && !this.socket.connecting && !this.socket.destroyed;
  }

  subscribe(listener: (event: BridgeEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.unsubscribe = this.slot.subscribe((event) => {
      if (event.type === 'inserted') {
        this.drop('card-removed'); // a swap: the old card's connection goes first
        this.open();
      } else {
        this.drop('card-removed');
      }
    });
    if (this.slot.card) this.open();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const socket = this.socket;
    this.drop('stopped');
    if (socket && !socket.closed)
      await new Promise<void>((resolve) => socket.once('close', () => resolve()));
  }

  private open(): void {
    if (this.stopped || this.socket || !this.slot.card || this.retryTimer) return;
    const hold = this.emptySince + this.emptyHoldMs - Date.now();
    if (hold > 0) {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.open();
      }, hold);
      return;
    }
    const socket = net.createConnection({ host: this.host, port: this.port });
    socket.setNoDelay(true);
    this.socket = socket;
    const decoder = new VpcdDecoder();
    socket.on('connect', () => {
      this.retryDelay = this.reconnectMs;
      this.log.debug({}, 'card connected to vpcd');
      this.listeners.emit({ type: 'connected' });
    });
    socket.on('data', (chunk: Buffer) => {
      if (this.socket !== socket) return;
      let messages;
      try {
        messages = decoder.push(chunk);
      } catch (error) {
        this.log.warn({ err: serializeError(error) }, 'vpcd protocol error; reconnecting');
        socket.destroy();
        return;
      }
      for (const m of messages) {
        if (this.socket !== socket) return;
        switch (m.type) {
          case 'power-on':
          case 'reset':
            this.slot.resetCard();
            break;
          case 'power-off':
          case 'control':
            break;
          case 'atr': {
            const card = this.slot.card;
            if (card) socket.write(encodeVpcdFrame(card.atr));
            break;
          }
          case 'apdu': {
            const answer = this.slot.exchange(m.bytes);
            if (answer.kind === 'response') socket.write(encodeVpcdFrame(answer.bytes));
            // 'pulled': the slot emitted 'removed' and the connection is already closing;
            // 'stalled': never answer; 'empty': cannot happen while connected.
            break;
          }
        }
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (this.socket === socket)
        this.listeners.emit({ type: 'waiting', error: error.code ?? error.message });
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.listeners.emit({ type: 'disconnected', reason: 'peer-closed' });
      this.scheduleReconnect();
    });
  }

  /** Closes the current connection on purpose (card left, bridge stopped). */
  private drop(reason: 'card-removed' | 'stopped'): void {
    const socket = this.socket;
    if (!socket) return;
    this.socket = undefined;
    this.emptySince = Date.now();
    socket.destroy();
    this.listeners.emit({ type: 'disconnected', reason });
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retryTimer || !this.slot.card) return;
    const wait = this.retryDelay;
    this.retryDelay = Math.min(this.retryDelay * 2, 2000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.open();
    }, wait);
  }
}
