/**
 * The boundary between protocol code and a card. Three implementations: PC/SC through
 * pcsclite (`reader/pcsc`), the in-process simulator (`reader/sim/hub.ts`) and the replay of a
 * recorded transcript (`replay.ts`). Applications talk to a card only through a CardChannel
 * built on one of these.
 */
export interface TransmitOptions {
  /** Maximum response length (data + SW) to accept; PC/SC needs it explicitly. */
  readonly recvLength?: number;
  /** The command carries a secret or an identifier (PIN, IDm in a FeliCa frame): never record it. */
  readonly secret?: boolean;
}

export interface CardTransport {
  /** The reader this card sits on ("Virtual PCD 00 00", "simulator:counter", "replay:file"). */
  readonly readerName: string;
  /** Answer to reset as the reader reported it (contactless readers invent one). */
  readonly atr: Uint8Array;
  /**
   * The reader's card event counter when this transport connected (PC/SC: the upper 16 bits of
   * dwEventState). Compare with `eventCount()` around sensitive steps: a difference means the
   * card left or was swapped.
   */
  readonly connectEventCount: number;
  eventCount(): number;
  /**
   * Sends one command's bytes and resolves with the response bytes (data + SW1 SW2). One
   * exchange at a time: concurrent calls are queued. Rejects with a ReaderError: card-removed,
   * transport-lost, timeout, response-too-long, pcsc, closed.
   */
  transmit(command: Uint8Array, options?: TransmitOptions): Promise<Uint8Array>;
  /** Releases the card. The default resets it, so no verified PIN state outlives the session. */
  close(disposition?: Disposition): Promise<void>;
}

export type Disposition = 'leave' | 'reset' | 'unpower';
