/**
 * The simulated library system on a real TCP (or TLS) port, for tests, the demo and
 * `kazasu sip2 sim`. It speaks SIP2 as an ACS does: it asks for a resend (96) of a request
 * whose checksum is wrong, resends its last answer on 97, and echoes the request's sequence
 * number. Faults model a bad network and a struggling server: answers dropped (after the
 * request was carried out, as when a reply is lost), answers with a wrong checksum, slow
 * answers, connections closed, and the whole server stopped and started again on its port.
 */
import net from 'node:net';
import tls from 'node:tls';
import { serializeError } from '../../../../shared/errors.ts';
import { silentLogger, type Logger } from '../../../../shared/log.ts';
import type { SerialLink } from '../../../../hardware/serial/link.ts';
import { socketLink } from '../../../devices/sip2-socket.ts';
import type { Sip2Charset } from '../charset.ts';
import { decodeFrame, encodeMessage } from '../codec.ts';
import { Sip2FrameSplitter } from '../framing.ts';
import { isRequestCode, type AnyMessage, type RequestMessage } from '../messages.ts';
import { SimulatedLibrary } from './library.ts';
import { defaultLibraryData } from './data.ts';

export interface Sip2Faults {
  /** Carry out the next N requests but send no answer. */
  dropNext: number;
  /** Answer the next N requests with a wrong checksum. */
  corruptNext: number;
  /** Close the connection instead of answering the next N requests. */
  closeNext: number;
  /** Probabilities for the same, per request (with `random`). */
  dropRate: number;
  corruptRate: number;
  /** Wait this long before each answer. */
  delayMs: number;
}

export interface Sip2SimulatorOptions {
  readonly host?: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly charset?: Sip2Charset;
  /** Checksums required on requests and added to answers (default true). */
  readonly errorDetection?: boolean;
  readonly library?: SimulatedLibrary;
  readonly tls?: { readonly key: string; readonly cert: string };
  readonly faults?: Partial<Sip2Faults>;
  readonly now?: () => number;
  readonly random?: () => number;
  readonly logger?: Logger;
}

export interface ReceivedRequest {
  readonly code: string;
  readonly sequence: number | undefined;
}

export class Sip2Simulator {
  readonly library: SimulatedLibrary;
  readonly faults: Sip2Faults;
  /** Every request decoded, in order (resend requests included). */
  readonly received: ReceivedRequest[] = [];
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly log: Logger;
  private boundPort: number;
  readonly host: string;
  private readonly charset: Sip2Charset;
  private readonly errorDetection: boolean;

  constructor(private readonly options: Sip2SimulatorOptions = {}) {
    this.library = options.library ?? new SimulatedLibrary(defaultLibraryData());
    this.faults = {
      dropNext: 0,
      corruptNext: 0,
      closeNext: 0,
      dropRate: 0,
      corruptRate: 0,
      delayMs: 0,
      ...options.faults,
    };
    this.host = options.host ?? '127.0.0.1';
    this.boundPort = options.port ?? 0;
    this.charset = options.charset ?? 'utf-8';
    this.errorDetection = options.errorDetection ?? true;
    this.log = (options.logger ?? silentLogger).child({ module: 'library:sip2-sim' });
  }

  get port(): number {
    return this.boundPort;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  get connections(): number {
    return this.sockets.size;
  }

  /** Listens (again, on the same port after a stop). */
  async start(): Promise<this> {
    if (this.server) return this;
    const onSocket = (socket: net.Socket): void => this.serve(socket);
    const t = this.options.tls;
    const server = t
      ? tls.createServer({ key: t.key, cert: t.cert }, onSocket)
      : net.createServer(onSocket);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.boundPort = (server.address() as net.AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Stops listening and cuts every connection: the library system is unreachable. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private encode(message: AnyMessage, sequence: number | undefined): Uint8Array {
    return encodeMessage(message, {
      charset: this.charset,
      sequence: this.errorDetection ? (sequence ?? 0) : undefined,
    });
  }

  private serve(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => this.sockets.delete(socket));
    this.attach(socketLink(socket, `sip2-sim:${socket.remotePort ?? 0}`));
  }

  /**
   * Serves one connection given as a byte link: the TCP server's sockets, or the device end of
   * an in-process pair in unit tests.
   */
  attach(link: SerialLink): void {
    const splitter = new Sip2FrameSplitter();
    let last: Uint8Array | undefined;
    const send = (bytes: Uint8Array): void => {
      const write = (): void => {
        if (link.isOpen) link.write(bytes).catch(() => undefined);
      };
      if (this.faults.delayMs > 0) setTimeout(write, this.faults.delayMs);
      else write();
    };
    link.onData((chunk) => {
      for (const frame of splitter.push(chunk).frames) {
        try {
          last = this.answer(frame, last, send, link) ?? last;
        } catch (error) {
          this.log.warn({ err: serializeError(error) }, 'simulator could not answer');
        }
      }
    });
  }

  /** Answers one frame; returns the answer to remember for a 97. */
  private answer(
    frame: Uint8Array,
    last: Uint8Array | undefined,
    send: (bytes: Uint8Array) => void,
    link: SerialLink,
  ): Uint8Array | undefined {
    let request: AnyMessage;
    let sequence: number | undefined;
    try {
      const d = decodeFrame(frame, { charset: this.charset, requireChecksum: this.errorDetection });
      request = d.message;
      sequence = d.sequence;
    } catch {
      // SIP2 Guide: an ACS that cannot read a message asks for it again.
      send(
        encodeMessage({ code: '96' }, { charset: this.charset, checksumOnly: this.errorDetection }),
      );
      this.received.push({ code: '??', sequence: undefined });
      return undefined;
    }
    this.received.push({ code: request.code, sequence });
    if (request.code === '97') {
      if (last) send(last);
      return undefined;
    }
    if (!isRequestCode(request.code)) return undefined;
    const f = this.faults;
    if (f.closeNext > 0) {
      f.closeNext -= 1;
      void link.close();
      return undefined;
    }
    const now = (this.options.now ?? Date.now)();
    const reply = this.encode(this.library.handle(request as RequestMessage, now), sequence);
    const random = this.options.random ?? Math.random;
    if (f.dropNext > 0 || (f.dropRate > 0 && random() < f.dropRate)) {
      f.dropNext = Math.max(0, f.dropNext - 1);
      return reply;
    }
    if (f.corruptNext > 0 || (f.corruptRate > 0 && random() < f.corruptRate)) {
      f.corruptNext = Math.max(0, f.corruptNext - 1);
      const bad = reply.slice();
      const at = bad.length - 2; // the last checksum digit
      bad[at] = bad[at] === 0x30 ? 0x31 : 0x30;
      send(bad);
      return reply;
    }
    send(reply);
    return reply;
  }
}

export async function startSip2Simulator(
  options: Sip2SimulatorOptions = {},
): Promise<Sip2Simulator> {
  return new Sip2Simulator(options).start();
}
