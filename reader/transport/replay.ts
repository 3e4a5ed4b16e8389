import { toHex } from '../../shared/bytes.ts';
import { ReaderError } from '../errors.ts';
import {
  formatExpected,
  matchesCommand,
  type Transcript,
  type TranscriptAnswer,
} from './transcript.ts';
import type { CardTransport, Disposition } from './types.ts';

/**
 * Replays a recorded transcript: each command must be the next one recorded (masked bytes
 * match anything), and gets the recorded answer. A wrong command fails with
 * `reader/replay-mismatch` naming the transcript line; `assertFinished()` fails when the
 * caller stopped early. Lets protocol code be tested against what a real card answered.
 */
export class ReplayTransport implements CardTransport {
  readonly readerName: string;
  readonly atr: Uint8Array;
  readonly connectEventCount = 1;
  private readonly transcript: Transcript;
  private next = 0;
  private removed = false;

  constructor(transcript: Transcript, name = 'replay') {
    this.transcript = transcript;
    this.atr = transcript.atr;
    this.readerName = `replay:${name}`;
  }

  eventCount(): number {
    return this.removed ? 2 : 1;
  }

  transmit(command: Uint8Array): Promise<Uint8Array> {
    const exchange = this.transcript.exchanges[this.next];
    if (!exchange) {
      return Promise.reject(
        new ReaderError(
          'reader/replay-exhausted',
          `transcript ended, but got ${toHex(command, ' ')}`,
          {
            details: { actual: toHex(command, ' ') },
          },
        ),
      );
    }
    if (!matchesCommand(exchange.command, command)) {
      return Promise.reject(
        new ReaderError(
          'reader/replay-mismatch',
          `transcript line ${exchange.line}: expected ${formatExpected(exchange.command)}, got ${toHex(command, ' ')}`,
          {
            details: {
              line: exchange.line,
              expected: formatExpected(exchange.command),
              actual: toHex(command, ' '),
            },
          },
        ),
      );
    }
    this.next += 1;
    return this.answer(exchange.answer, exchange.line);
  }

  /** Throws `reader/replay-unfinished` naming the first line never reached. */
  assertFinished(): void {
    const exchange = this.transcript.exchanges[this.next];
    if (exchange) {
      throw new ReaderError(
        'reader/replay-unfinished',
        `transcript line ${exchange.line} was never sent: ${formatExpected(exchange.command)}`,
        { details: { line: exchange.line } },
      );
    }
  }

  close(_disposition?: Disposition): Promise<void> {
    return Promise.resolve();
  }

  private answer(answer: TranscriptAnswer, line: number): Promise<Uint8Array> {
    switch (answer.kind) {
      case 'response':
        return Promise.resolve(answer.bytes.slice());
      case 'removed':
        this.removed = true;
        return Promise.reject(
          new ReaderError('reader/card-removed', `card removed (transcript line ${line})`),
        );
      case 'timeout':
        return Promise.reject(
          new ReaderError('reader/timeout', `no answer (transcript line ${line})`),
        );
    }
  }
}
