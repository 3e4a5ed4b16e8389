/**
 * The SC (self-check) side of a SIP2 link: one request at a time, matched to its response by
 * command and sequence number; resends on a time limit; asks the library system to resend a
 * frame that arrived damaged (97) and resends ours when it asks (96); logs in (93) after every
 * (re)connect. The byte link comes from an injected connector (TCP or TLS in production:
 * kiosk/devices/sip2-socket.ts; in-process pairs in unit tests), so this file does no I/O.
 *
 * A link that stops answering is closed and reported `offline`; the next request connects
 * again. Nothing here retries a request beyond its resends: whether to store a checkout for
 * later is the caller's decision (kiosk/library/service.ts).
 */
import { Listeners } from '../../../shared/listeners.ts';
import { silentLogger, type Logger } from '../../../shared/log.ts';
import { SerialQueue } from '../../../shared/queue.ts';
import { withTimeout } from '../../../shared/timeout.ts';
import { isKazasuError, serializeError } from '../../../shared/errors.ts';
import type { SerialLink } from '../../../hardware/serial/link.ts';
import { LibraryError } from '../errors.ts';
import type { Sip2Charset } from './charset.ts';
import { decodeFrame, describe, encodeMessage, type DecodedFrame } from './codec.ts';
import { PLAIN_ALGORITHM, SEQUENCE_MODULUS } from './constants.ts';
import { Sip2FrameSplitter } from './framing.ts';
import {
  RESPONSE_TO,
  type RequestMessage,
  type ResponseMessage,
  type ResponseOf,
} from './messages.ts';

export type Sip2LinkState = 'offline' | 'connecting' | 'online';

export interface Sip2Login {
  readonly userId: string;
  readonly password: string;
  readonly locationCode?: string | undefined;
}

export interface Sip2ClientOptions {
  /** Opens a new byte link to the library system (a TCP or TLS socket). */
  readonly connect: () => Promise<SerialLink>;
  readonly charset: Sip2Charset;
  /** Sequence numbers and checksums on what we send, checksums required on what we get. */
  readonly errorDetection?: boolean;
  /** How long one attempt waits for its response (default 5 s). */
  readonly timeoutMs?: number;
  /** Resends of one request (after a time limit, a damaged answer or a 96) before giving up. */
  readonly retries?: number;
  readonly connectTimeoutMs?: number;
  /** Sent as 93 after every connect; none for systems that take the terminal by address. */
  readonly login?: Sip2Login | undefined;
  readonly logger?: Logger;
}

type Next = { readonly kind: 'frame'; readonly frame: Uint8Array } | { readonly kind: 'timeout' };

/** Frames from the link, waited for one at a time. */
class Mailbox {
  private readonly frames: Uint8Array[] = [];
  private waiter: ((next: Next | 'closed') => void) | undefined;
  private closed = false;

  put(frame: Uint8Array): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w({ kind: 'frame', frame });
    } else this.frames.push(frame);
  }

  close(): void {
    this.closed = true;
    this.waiter?.('closed');
    this.waiter = undefined;
  }

  /** Drops frames that arrived while nobody asked (answers to abandoned requests). */
  drain(): number {
    return this.frames.splice(0).length;
  }

  next(timeoutMs: number): Promise<Next | 'closed'> {
    const queued = this.frames.shift();
    if (queued) return Promise.resolve({ kind: 'frame', frame: queued });
    if (this.closed) return Promise.resolve('closed');
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        resolve({ kind: 'timeout' });
      }, timeoutMs);
      this.waiter = (next) => {
        clearTimeout(timer);
        resolve(next);
      };
    });
  }
}

interface Connection {
  readonly link: SerialLink;
  readonly mailbox: Mailbox;
  readonly off: (() => void)[];
}

export class Sip2Client {
  private readonly options: Required<Omit<Sip2ClientOptions, 'login' | 'logger'>> &
    Pick<Sip2ClientOptions, 'login'>;
  private readonly log: Logger;
  private readonly queue = new SerialQueue();
  private readonly states: Listeners<Sip2LinkState>;
  private connection: Connection | undefined;
  private sequence = SEQUENCE_MODULUS - 1;
  private current: Sip2LinkState = 'offline';
  private closed = false;

  constructor(options: Sip2ClientOptions) {
    this.options = {
      errorDetection: true,
      timeoutMs: 5_000,
      retries: 2,
      connectTimeoutMs: 5_000,
      ...options,
    };
    this.log = (options.logger ?? silentLogger).child({ module: 'library:sip2' });
    this.states = new Listeners((error) =>
      this.log.error({ err: serializeError(error) }, 'state listener threw'),
    );
  }

  get state(): Sip2LinkState {
    return this.current;
  }

  onState(listener: (state: Sip2LinkState) => void): () => void {
    return this.states.add(listener);
  }

  /** Sends `message` and resolves with its response; rejects with a LibraryError. */
  request<M extends RequestMessage>(message: M): Promise<ResponseOf<M['code']>> {
    return this.queue.run(async () => {
      const connection = await this.ensureConnected();
      const reply = await this.exchange(connection, message);
      return reply as unknown as ResponseOf<M['code']>;
    });
  }

  /** Connects (and logs in) unless already connected. */
  connect(): Promise<void> {
    return this.queue.run(async () => {
      await this.ensureConnected();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue.run(async () => this.drop('closed by the terminal'));
  }

  private async ensureConnected(): Promise<Connection> {
    if (this.closed)
      throw new LibraryError('library/sip2-unreachable', 'the SIP2 client is closed');
    if (this.connection?.link.isOpen) return this.connection;
    await this.drop('reconnecting');
    this.setState('connecting');
    let link: SerialLink;
    try {
      link = await withTimeout(
        this.options.connect(),
        this.options.connectTimeoutMs,
        () => new LibraryError('library/sip2-unreachable', 'connecting timed out'),
      );
    } catch (error) {
      this.setState('offline');
      if (isKazasuError(error) && error.code === 'library/sip2-unreachable') throw error;
      throw new LibraryError('library/sip2-unreachable', 'cannot connect to the library system', {
        cause: error,
      });
    }
    const mailbox = new Mailbox();
    const splitter = new Sip2FrameSplitter();
    const connection: Connection = {
      link,
      mailbox,
      off: [
        link.onData((chunk) => {
          const { frames, problems } = splitter.push(chunk);
          if (problems.length > 0) this.log.warn({ problems }, 'bad bytes from the library system');
          for (const f of frames) mailbox.put(f);
        }),
        link.onClose(() => {
          mailbox.close();
          if (this.connection === connection) {
            this.connection = undefined;
            this.setState('offline');
          }
        }),
      ],
    };
    this.connection = connection;
    try {
      const login = this.options.login;
      if (login) {
        const reply = await this.exchange(connection, {
          code: '93',
          uidAlgorithm: PLAIN_ALGORITHM,
          pwdAlgorithm: PLAIN_ALGORITHM,
          loginUserId: login.userId,
          loginPassword: login.password,
          ...(login.locationCode ? { locationCode: login.locationCode } : {}),
        });
        if (reply.code === '94' && !reply.ok) {
          throw new LibraryError(
            'library/sip2-login-refused',
            'the library system refused the login',
          );
        }
      }
    } catch (error) {
      await this.drop('login failed');
      throw error;
    }
    this.setState('online');
    return connection;
  }

  private nextSequence(): number {
    this.sequence = (this.sequence + 1) % SEQUENCE_MODULUS;
    return this.sequence;
  }

  private async send(connection: Connection, bytes: Uint8Array): Promise<void> {
    try {
      await connection.link.write(bytes);
    } catch (error) {
      await this.drop('write failed');
      throw new LibraryError('library/sip2-unreachable', 'the link to the library system closed', {
        cause: error,
      });
    }
  }

  private async exchange(
    connection: Connection,
    message: RequestMessage,
  ): Promise<ResponseMessage> {
    const { charset, errorDetection, retries, timeoutMs } = this.options;
    const expected = RESPONSE_TO[message.code];
    const seq = errorDetection ? this.nextSequence() : undefined;
    const bytes = encodeMessage(message, { charset, sequence: seq });
    const resendRequest = encodeMessage({ code: '97' }, { charset, checksumOnly: errorDetection });
    const stale = connection.mailbox.drain();
    if (stale > 0) this.log.debug({ frames: stale }, 'late answers dropped');
    this.log.debug({ command: describe(message.code), seq, bytes: bytes.length }, 'SIP2 request');
    await this.send(connection, bytes);
    let sends = 1;
    const again = async (what: Uint8Array, why: string, failure: LibraryError): Promise<void> => {
      if (sends > retries) {
        if (failure.code === 'library/sip2-timeout') await this.drop('not answering');
        throw failure;
      }
      this.log.debug({ command: message.code, seq, why }, 'SIP2 resend');
      sends += 1;
      await this.send(connection, what);
    };
    for (;;) {
      const next = await connection.mailbox.next(timeoutMs);
      if (next === 'closed') {
        throw new LibraryError('library/sip2-unreachable', 'the library system closed the link', {
          details: { command: message.code },
        });
      }
      if (next.kind === 'timeout') {
        await again(
          bytes,
          'time limit',
          new LibraryError(
            'library/sip2-timeout',
            `no answer to ${describe(message.code)} within ${timeoutMs} ms, ${sends} sends`,
            { details: { command: message.code, timeoutMs, sends } },
          ),
        );
        continue;
      }
      let decoded: DecodedFrame;
      try {
        decoded = decodeFrame(next.frame, { charset, requireChecksum: errorDetection });
      } catch (error) {
        if (!(error instanceof LibraryError)) throw error;
        // A damaged answer: ask for it again (SIP2 Guide, Request ACS Resend).
        await again(resendRequest, error.code, error);
        continue;
      }
      const reply = decoded.message;
      if (reply.code === '96') {
        await again(
          bytes,
          'resend requested',
          new LibraryError(
            'library/sip2-checksum',
            'the library system could not read our request',
            {
              details: { command: message.code },
            },
          ),
        );
        continue;
      }
      if (seq !== undefined && decoded.sequence !== undefined && decoded.sequence !== seq) {
        this.log.debug({ seq, got: decoded.sequence }, 'answer to an earlier request dropped');
        continue;
      }
      if (reply.code !== expected) {
        throw new LibraryError(
          'library/sip2-unexpected-reply',
          `${describe(message.code)} was answered with command ${reply.code}`,
          { details: { command: message.code, reply: reply.code } },
        );
      }
      return reply;
    }
  }

  private async drop(why: string): Promise<void> {
    const c = this.connection;
    if (!c) return;
    this.connection = undefined;
    for (const off of c.off) off();
    c.mailbox.close();
    this.log.debug({ why }, 'SIP2 link closed');
    await c.link.close().catch(() => undefined);
    this.setState('offline');
  }

  private setState(next: Sip2LinkState): void {
    if (next === this.current) return;
    this.current = next;
    this.states.emit(next);
  }
}
