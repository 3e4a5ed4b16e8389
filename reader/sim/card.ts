/**
 * A simulated card: a synchronous state machine from command bytes to response bytes, with no
 * I/O and no module-level state (style.md rule 4). Slots (`slot.ts`) put one on a virtual
 * reader — in process (`hub.ts`) or behind real pcscd through vpcd (`../vpcd/bridge.ts`) —
 * and model insertion, removal, swaps and pulls mid-exchange around it.
 */
export type SimulatedCardKind = 'mynumber' | 'felica' | 'unknown';

export interface SimulatedCard {
  readonly kind: SimulatedCardKind;
  /** The ATR a reader reports for this card. */
  readonly atr: Uint8Array;
  /**
   * Power-up or warm reset: volatile state (selected DF/EF, verified credentials, selected
   * FeliCa service) is cleared. Retry counters and other persistent state survive, as on a card.
   */
  reset(): void;
  /**
   * Processes one command APDU and returns the response (data + SW1 SW2). Never throws:
   * malformed commands get an error status word, as a card would answer.
   */
  process(command: Uint8Array): Uint8Array;
}
