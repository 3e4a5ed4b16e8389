import type { SerializedError } from '../shared/errors.ts';
import { Listeners } from '../shared/listeners.ts';
import { ReaderError } from './errors.ts';
import type { CardTransport } from './transport/types.ts';

/**
 * Reader and card lifecycle, as the application sees it, from PC/SC (`PcscHub`) or from the
 * in-process simulator (`SimHub`). Events are derived from reader state bit-diffs.
 */
export type ReaderEvent =
  | { readonly type: 'service-up' }
  | { readonly type: 'service-down'; readonly error: SerializedError }
  | { readonly type: 'reader-attached'; readonly reader: string }
  | { readonly type: 'reader-detached'; readonly reader: string }
  | {
      readonly type: 'card-present';
      readonly reader: string;
      /** ATR as hex. */
      readonly atr: string;
      readonly eventCount: number;
      /** Present but not answering (PC/SC SCARD_STATE_MUTE). */
      readonly mute: boolean;
    }
  | { readonly type: 'card-removed'; readonly reader: string; readonly eventCount: number };

export interface ReaderSnapshot {
  readonly name: string;
  readonly cardPresent: boolean;
  readonly mute: boolean;
  /** ATR as hex, when a card is present. */
  readonly atr?: string;
  readonly eventCount: number;
  /** Another process holds the card exclusively. */
  readonly exclusive: boolean;
  /** This process has a session open on the reader. */
  readonly inSession: boolean;
}

export type ShareMode = 'exclusive' | 'shared';

export interface ConnectOptions {
  /** Exclusive (default) for multi-APDU sequences: nobody can SELECT another DF mid-flow. */
  readonly share?: ShareMode;
  /** Per-exchange time limit in ms (default 10 000): a stuck card or reader never hangs a flow. */
  readonly exchangeTimeoutMs?: number;
}

export interface ReaderHub {
  /** 'up' when the reader service (pcscd) is reachable. */
  readonly status: 'up' | 'down';
  readers(): readonly ReaderSnapshot[];
  /** Calls `listener` for every later event; returns the unsubscribe function. */
  subscribe(listener: (event: ReaderEvent) => void): () => void;
  /**
   * Resolves once the initial reader list and each reader's first state are known (or after
   * `timeoutMs`), for one-shot commands that read the state instead of watching events.
   */
  settled(timeoutMs?: number): Promise<void>;
  /** Opens a session on the card in `reader`; one session per reader at a time. */
  connect(reader: string, options?: ConnectOptions): Promise<CardTransport>;
  close(): Promise<void>;
}

export { Listeners };

/** Resolves with the first event for which `predicate` holds, or rejects after `ms`. */
export function waitForEvent(
  hub: Pick<ReaderHub, 'subscribe'>,
  predicate: (event: ReaderEvent) => boolean,
  ms: number,
): Promise<ReaderEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new ReaderError('reader/timeout', `no matching reader event within ${ms} ms`));
    }, ms);
    const off = hub.subscribe((event) => {
      if (!predicate(event)) return;
      clearTimeout(timer);
      off();
      resolve(event);
    });
  });
}
