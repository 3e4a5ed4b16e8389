import { SerialQueue } from '../../shared/queue.ts';
import type { Logger } from '../../shared/log.ts';
import { withTimeout } from '../../shared/timeout.ts';
import { ReaderError } from '../errors.ts';
import type { CardTransport, Disposition, TransmitOptions } from '../transport/types.ts';
import type { PcscReaderBinding } from './binding.ts';
import { SCARD_DISPOSITION } from './constants.ts';
import { AMBIGUOUS_TRANSMIT_CODES, pcscCodeOf, pcscError } from './errors.ts';

export interface PcscTransportInit {
  readonly binding: PcscReaderBinding;
  readonly readerName: string;
  readonly protocol: number;
  readonly atr: Uint8Array;
  readonly connectEventCount: number;
  readonly eventCount: () => number;
  /** Resolves false when the card left (or was swapped) since `connectEventCount`. */
  readonly cardStillThere: (since: number) => Promise<boolean>;
  readonly timeoutMs: number;
  readonly logger: Logger;
  readonly onClose: () => void;
}

const DISPOSITIONS: Readonly<Record<Disposition, number>> = {
  leave: SCARD_DISPOSITION.LEAVE,
  reset: SCARD_DISPOSITION.RESET,
  unpower: SCARD_DISPOSITION.UNPOWER,
};

/** Default receive buffer: a short APDU's 256 data bytes and the status word. */
const DEFAULT_RECV = 258;

/**
 * A card session on one PC/SC reader: SCardTransmit with an explicit receive length, one
 * exchange at a time, a time limit per exchange, and failures turned into typed errors. After
 * a failure that may just mean the card left, it asks the hub whether the card is still there
 * before choosing between `reader/card-removed` and the PC/SC error.
 */
export class PcscTransport implements CardTransport {
  readonly readerName: string;
  readonly atr: Uint8Array;
  readonly connectEventCount: number;
  private readonly init: PcscTransportInit;
  private readonly queue = new SerialQueue();
  private dead: ReaderError | undefined;
  private closed = false;

  constructor(init: PcscTransportInit) {
    this.init = init;
    this.readerName = init.readerName;
    this.atr = init.atr;
    this.connectEventCount = init.connectEventCount;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  eventCount(): number {
    return this.init.eventCount();
  }

  transmit(command: Uint8Array, options: TransmitOptions = {}): Promise<Uint8Array> {
    return this.queue.run(async () => {
      if (this.closed) throw new ReaderError('reader/closed', 'the card session is closed');
      if (this.dead) throw this.dead;
      const recv = options.recvLength ?? DEFAULT_RECV;
      const { binding, protocol, readerName } = this.init;
      let response: Uint8Array;
      try {
        response = await withTimeout(
          new Promise<Uint8Array>((resolve, reject) => {
            binding.transmit(Buffer.from(command), recv, protocol, (err, data) =>
              err
                ? reject(err)
                : resolve(new Uint8Array(data.buffer, data.byteOffset, data.length)),
            );
          }),
          this.init.timeoutMs,
          () =>
            new ReaderError(
              'reader/timeout',
              `no answer from the card on "${readerName}" in ${this.init.timeoutMs} ms`,
              {
                details: { reader: readerName, timeoutMs: this.init.timeoutMs },
              },
            ),
        );
      } catch (error) {
        throw await this.fail(error);
      }
      if (response.length < 2) {
        // vpcd (and some drivers) report success with no bytes when the card left mid-APDU.
        if (!(await this.init.cardStillThere(this.connectEventCount))) {
          throw (this.dead = new ReaderError(
            'reader/card-removed',
            `the card left "${readerName}" during an exchange`,
          ));
        }
        throw new ReaderError(
          'reader/malformed-response',
          `a ${response.length}-byte answer from "${readerName}"`,
        );
      }
      return response;
    });
  }

  /** Called by the hub when the reader or pcscd went away: later calls fail with `error`. */
  invalidate(error: ReaderError): void {
    this.dead ??= error;
  }

  async close(disposition: Disposition = 'reset'): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.init.onClose();
    const binding = this.init.binding;
    await new Promise<void>((resolve) => {
      binding.disconnect(DISPOSITIONS[disposition], (err) => {
        if (err) {
          // The handle died with pcscd or the card; the binding still believes it is
          // connected and would skip the next SCardConnect, so clear its flag.
          this.init.logger.debug(
            { reader: this.readerName, scard: pcscCodeOf(err) },
            'disconnect failed',
          );
          binding.connected = false;
        }
        resolve();
      });
    });
  }

  private async fail(error: unknown): Promise<ReaderError> {
    const { readerName } = this.init;
    if (error instanceof ReaderError && error.code === 'reader/timeout') {
      this.dead = new ReaderError(
        'reader/transport-lost',
        `the session on "${readerName}" stopped answering`,
        {
          cause: error,
        },
      );
      return error;
    }
    const typed = pcscError(error, 'SCardTransmit', readerName);
    const scard = pcscCodeOf(error);
    let result = typed;
    if (typed.code === 'reader/card-removed' || typed.code === 'reader/no-card') {
      result = new ReaderError(
        'reader/card-removed',
        `the card left "${readerName}" during an exchange`,
        {
          cause: error,
          details: typed.details,
        },
      );
    } else if (scard !== undefined && AMBIGUOUS_TRANSMIT_CODES.has(scard)) {
      if (!(await this.init.cardStillThere(this.connectEventCount))) {
        result = new ReaderError(
          'reader/card-removed',
          `the card left "${readerName}" during an exchange`,
          {
            cause: error,
            details: typed.details,
          },
        );
      }
    }
    if (result.code !== 'reader/response-too-long') this.dead ??= result;
    return result;
  }
}
