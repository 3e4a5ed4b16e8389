import { SerialQueue } from '../../shared/queue.ts';
import { silentLogger, type Logger } from '../../shared/log.ts';
import { encodeCommand, type ApduLengthMode, type CommandApdu } from '../apdu/command.ts';
import { parseResponse, type ResponseApdu } from '../apdu/response.ts';
import {
  SW,
  SW1_MORE_DATA,
  SW1_WRONG_LE,
  describeStatusWord,
  isAccepted,
  type SwAccept,
} from '../apdu/status.ts';
import { describeCommand, formatCommandBytes, isSecretCommand } from '../apdu/trace.ts';
import { ReaderError, StatusWordError } from '../errors.ts';
import { getResponse } from '../iso7816/commands.ts';
import type { CardTransport, Disposition } from './types.ts';

export interface SendOptions {
  /** Status words to return instead of throwing; default: 9000 only. */
  readonly accept?: readonly SwAccept[];
}

export interface ChannelOptions {
  readonly logger?: Logger;
  /** Short APDUs only unless a caller knows the card and reader take extended ones. */
  readonly lengthMode?: ApduLengthMode;
}

/** GET RESPONSE chains longer than this are a card fault, not data (7816-4 §7.6.1). */
const MAX_GET_RESPONSE = 256;
const MAX_RESPONSE_BYTES = 65536 + 2;

/**
 * APDU exchange over a CardTransport: encodes commands, fetches 61xx remainders with GET
 * RESPONSE, resends on 6Cxx with the Le the card asked for, checks the status word against
 * the caller's `accept` list and traces with secrets masked. The whole of one `send`
 * (including its GET RESPONSE chain) is one exchange: nothing interleaves with it.
 */
export class CardChannel {
  readonly transport: CardTransport;
  private readonly log: Logger;
  private readonly lengthMode: ApduLengthMode;
  private readonly queue = new SerialQueue();

  constructor(transport: CardTransport, options: ChannelOptions = {}) {
    this.transport = transport;
    this.log = options.logger ?? silentLogger;
    this.lengthMode = options.lengthMode ?? 'short';
  }

  send(cmd: CommandApdu, options: SendOptions = {}): Promise<ResponseApdu> {
    return this.queue.run(async () => {
      const response = await this.exchange(cmd);
      const accept = options.accept ?? [SW.OK];
      if (!isAccepted(response.sw, accept)) {
        throw new StatusWordError(
          response.sw,
          describeCommand(cmd),
          describeStatusWord(response.sw),
        );
      }
      return response;
    });
  }

  /** Throws `reader/card-swapped` when the card is not the one this channel connected to. */
  assertSameCard(): void {
    const now = this.transport.eventCount();
    if (now !== this.transport.connectEventCount) {
      throw new ReaderError(
        'reader/card-swapped',
        'the card on the reader changed during the session',
        {
          details: { atConnect: this.transport.connectEventCount, now },
        },
      );
    }
  }

  close(disposition?: Disposition): Promise<void> {
    return this.transport.close(disposition);
  }

  private async exchange(cmd: CommandApdu): Promise<ResponseApdu> {
    let first = await this.transmitOnce(cmd);
    if (first.sw >> 8 === SW1_WRONG_LE) {
      // 6Cxx: the card tells the exact Le; resend once with it.
      const le = first.sw & 0xff || 256;
      first = await this.transmitOnce({ ...cmd, le });
      if (first.sw >> 8 === SW1_WRONG_LE) {
        throw new ReaderError(
          'reader/malformed-response',
          `card answered 6Cxx twice to ${describeCommand(cmd)}`,
        );
      }
    }
    if (first.sw >> 8 !== SW1_MORE_DATA) return first;
    const parts: Uint8Array[] = [first.data];
    let total = first.data.length;
    let sw = first.sw;
    for (let i = 0; sw >> 8 === SW1_MORE_DATA; i += 1) {
      if (i >= MAX_GET_RESPONSE || total > MAX_RESPONSE_BYTES) {
        throw new ReaderError('reader/malformed-response', 'GET RESPONSE chain does not end');
      }
      const next = await this.transmitOnce(getResponse(cmd.cla, sw & 0xff || 256));
      parts.push(next.data);
      total += next.data.length;
      sw = next.sw;
    }
    const data = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      data.set(p, at);
      at += p.length;
    }
    return { data, sw };
  }

  private async transmitOnce(cmd: CommandApdu): Promise<ResponseApdu> {
    const bytes = encodeCommand(cmd, this.lengthMode);
    const recvLength = (cmd.le ?? 256) + 2;
    const secret = isSecretCommand(cmd);
    const tracing = this.log.isLevelEnabled('debug');
    const started = tracing ? performance.now() : 0;
    try {
      const response = parseResponse(
        await this.transport.transmit(bytes, secret ? { recvLength, secret } : { recvLength }),
      );
      if (tracing) {
        // Response data can be personal (the basic four): trace its length only.
        this.log.debug(
          {
            reader: this.transport.readerName,
            command: formatCommandBytes(bytes, secret),
            label: cmd.label,
            responseLength: response.data.length,
            sw: response.sw.toString(16).padStart(4, '0'),
            ms: Math.round((performance.now() - started) * 100) / 100,
          },
          'apdu',
        );
      }
      return response;
    } finally {
      if (secret) bytes.fill(0);
    }
  }
}
