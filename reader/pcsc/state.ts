import { toHex } from '../../shared/bytes.ts';
import type { ReaderEvent } from '../hub.ts';
import { SCARD_STATE, eventCountOf } from './constants.ts';

/** What we keep of a reader's last reported state. */
export interface ReaderState {
  readonly state: number;
  readonly atr: Uint8Array;
}

export function isPresent(state: number): boolean {
  return (state & SCARD_STATE.PRESENT) !== 0;
}

/**
 * The card events implied by a reader going from `prev` (undefined: first report) to `next`,
 * by bit-diff and by the event counter: a card swapped between two reports shows PRESENT both
 * times with a higher counter, and yields a removal then a presence.
 */
export function diffReaderState(
  reader: string,
  prev: ReaderState | undefined,
  next: ReaderState,
): ReaderEvent[] {
  const wasPresent = prev !== undefined && isPresent(prev.state);
  const nowPresent = isPresent(next.state);
  const count = eventCountOf(next.state);
  const present: ReaderEvent = {
    type: 'card-present',
    reader,
    atr: toHex(next.atr),
    eventCount: count,
    mute: (next.state & SCARD_STATE.MUTE) !== 0,
  };
  if (wasPresent && !nowPresent) return [{ type: 'card-removed', reader, eventCount: count }];
  if (!wasPresent && nowPresent) return [present];
  if (wasPresent && nowPresent && prev !== undefined && eventCountOf(prev.state) !== count) {
    return [{ type: 'card-removed', reader, eventCount: count }, present];
  }
  return [];
}
