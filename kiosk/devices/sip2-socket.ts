/**
 * The composition root for SIP2 links: TCP (node:net) or TLS (node:tls) sockets to the library
 * system, as the byte links the SIP2 client takes (style.md rule 3: only composition roots open
 * sockets). Nagle is off: a SIP2 exchange is one small write each way, and the scan-to-result
 * time is the patron's wait.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { SerialLink } from '../../hardware/serial/link.ts';
import { LibraryError } from '../library/errors.ts';

export interface Sip2Endpoint {
  readonly host: string;
  readonly port: number;
  /** TLS with the system's CA store, or with `ca` (PEM) for a library's own CA. */
  readonly tls?:
    | {
        readonly ca?: string | undefined;
        readonly serverName?: string | undefined;
        /** Only for a test library system with a self-signed certificate. */
        readonly insecure?: boolean | undefined;
      }
    | undefined;
}

const KEEPALIVE_MS = 30_000;

/** A connected socket as a byte link. `path` names the peer for logs. */
export function socketLink(socket: net.Socket, path: string): SerialLink {
  let closed = false;
  const closeListeners = new Set<(error?: Error) => void>();
  let lastError: Error | undefined;
  socket.on('error', (error) => {
    lastError = error; // reported through 'close'
  });
  socket.on('close', () => {
    if (closed) return;
    closed = true;
    for (const l of [...closeListeners]) l(lastError);
  });
  return {
    path,
    get isOpen() {
      return !closed && !socket.destroyed;
    },
    write(bytes) {
      if (closed || socket.destroyed) {
        return Promise.reject(new LibraryError('library/sip2-unreachable', `${path} is closed`));
      }
      return new Promise((resolve, reject) => {
        socket.write(bytes, (error) =>
          error
            ? reject(
                new LibraryError('library/sip2-unreachable', `writing to ${path} failed`, {
                  cause: error,
                }),
              )
            : resolve(),
        );
      });
    },
    onData(listener) {
      const l = (chunk: Buffer): void =>
        listener(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
      socket.on('data', l);
      return () => void socket.off('data', l);
    },
    onClose(listener) {
      closeListeners.add(listener);
      return () => void closeListeners.delete(listener);
    },
    close() {
      if (closed || socket.destroyed) return Promise.resolve();
      return new Promise((resolve) => {
        socket.once('close', () => resolve());
        socket.destroy();
      });
    },
  };
}

/** A connector for the SIP2 client: each call opens a new connection to `endpoint`. */
export function sip2Connector(endpoint: Sip2Endpoint): () => Promise<SerialLink> {
  const path = `${endpoint.tls ? 'sip2s' : 'sip2'}://${endpoint.host}:${endpoint.port}`;
  return () =>
    new Promise((resolve, reject) => {
      const t = endpoint.tls;
      const socket = t
        ? tls.connect({
            host: endpoint.host,
            port: endpoint.port,
            ...(t.serverName || !net.isIP(endpoint.host)
              ? { servername: t.serverName ?? endpoint.host }
              : {}),
            ...(t.ca ? { ca: t.ca } : {}),
            rejectUnauthorized: !t.insecure,
          })
        : net.connect({ host: endpoint.host, port: endpoint.port });
      const ready = t ? 'secureConnect' : 'connect';
      const fail = (error: Error): void => {
        socket.destroy();
        reject(
          new LibraryError('library/sip2-unreachable', `cannot connect to ${path}`, {
            cause: error,
            details: { host: endpoint.host, port: endpoint.port },
          }),
        );
      };
      socket.once('error', fail);
      socket.once(ready, () => {
        socket.off('error', fail);
        socket.setNoDelay(true);
        socket.setKeepAlive(true, KEEPALIVE_MS);
        resolve(socketLink(socket, path));
      });
    });
}
