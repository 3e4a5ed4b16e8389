import type { CardTransport } from '../transport/types.ts';
import type { SimulatedCard } from './card.ts';

/**
 * A transport wired straight to a simulated card, with no reader in between: for unit tests
 * of protocol code. Reader behaviour (insertion, removal, pulls, swaps) lives in slots.
 */
export function directTransport(card: SimulatedCard, readerName = 'direct'): CardTransport {
  card.reset();
  return {
    readerName,
    atr: card.atr,
    connectEventCount: 1,
    eventCount: () => 1,
    transmit: (command) => Promise.resolve(card.process(command)),
    close: () => Promise.resolve(),
  };
}
