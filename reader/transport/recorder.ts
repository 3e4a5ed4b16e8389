import { ReaderError } from '../errors.ts';
import { formatTranscript, secretDataRange, type TranscriptAnswer } from './transcript.ts';
import type { CardTransport, Disposition, TransmitOptions } from './types.ts';

/**
 * Wraps a transport and records every exchange, for refreshing transcripts from a real card
 * or from the simulator. Secrets are masked when the transcript is written, never stored.
 */
export class RecordingTransport implements CardTransport {
  private readonly inner: CardTransport;
  private readonly keepFlagged: boolean;
  private readonly exchanges: { command: Uint8Array; answer: TranscriptAnswer; secret: boolean }[] =
    [];

  /**
   * `keepFlagged`: record commands their sender flagged as carrying an identifier (a FeliCa
   * frame with the IDm) in full. Only for recordings from simulators, whose identifiers are
   * made up; VERIFY data is masked regardless.
   */
  constructor(inner: CardTransport, options: { keepFlagged?: boolean } = {}) {
    this.inner = inner;
    this.keepFlagged = options.keepFlagged ?? false;
  }

  get readerName(): string {
    return this.inner.readerName;
  }

  get atr(): Uint8Array {
    return this.inner.atr;
  }

  get connectEventCount(): number {
    return this.inner.connectEventCount;
  }

  eventCount(): number {
    return this.inner.eventCount();
  }

  async transmit(command: Uint8Array, options?: TransmitOptions): Promise<Uint8Array> {
    const copy = command.slice();
    const flagged = options?.secret === true && !this.keepFlagged;
    const range = secretDataRange(copy, flagged);
    if (range) copy.fill(0, range.start, range.end); // never hold a PIN beyond the exchange
    try {
      const response = await this.inner.transmit(command, options);
      this.exchanges.push({
        command: copy,
        answer: { kind: 'response', bytes: response.slice() },
        secret: flagged,
      });
      return response;
    } catch (error) {
      if (
        error instanceof ReaderError &&
        (error.code === 'reader/card-removed' || error.code === 'reader/timeout')
      ) {
        const kind = error.code === 'reader/timeout' ? 'timeout' : 'removed';
        this.exchanges.push({ command: copy, answer: { kind }, secret: flagged });
      }
      throw error;
    }
  }

  close(disposition?: Disposition): Promise<void> {
    return this.inner.close(disposition);
  }

  /** The transcript so far, masked. */
  transcript(header: readonly string[] = []): string {
    return formatTranscript(this.inner.atr, this.exchanges, header);
  }
}
