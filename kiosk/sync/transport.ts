/**
 * The HTTP transport the sync client is given (style.md rule 3: transports are injected). The
 * client depends on this interface only; `createNodeTransport` is the real one, on node:http(s)
 * with keep-alive, a per-request idle timeout, and every socket failure turned into a SyncError.
 */
import http from 'node:http';
import https from 'node:https';
import { SyncError } from './errors.ts';

export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  /** Path and query, e.g. `/v1/datasets/fares/updates?after=3`. */
  readonly target: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | undefined;
}

export interface HttpResponse {
  readonly status: number;
  header(name: string): string | undefined;
  /** The body chunk by chunk; a broken connection throws `sync/connection-lost` or `sync/timeout`. */
  readonly body: AsyncIterable<Uint8Array>;
  /** The whole body as text; more than `maxBytes` is `sync/malformed-response`. */
  text(maxBytes: number): Promise<string>;
  /** Drops the rest of the body (and the connection with it). */
  discard(): void;
}

export interface HttpTransport {
  request(req: HttpRequest): Promise<HttpResponse>;
  close(): void;
}

export interface NodeTransportOptions {
  /** No progress (connect, send, or a body chunk) for this long is `sync/timeout`. */
  readonly timeoutMs: number;
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ETIMEDOUT',
]);

function mapError(error: unknown, phase: 'request' | 'body'): SyncError {
  if (error instanceof SyncError) return error;
  const code = error instanceof Error && 'code' in error ? String(error.code) : undefined;
  if (phase === 'body') {
    return new SyncError('sync/connection-lost', 'the connection broke during the response', {
      cause: error,
      details: { errno: code },
    });
  }
  const known = code !== undefined && UNREACHABLE.has(code);
  return new SyncError('sync/unreachable', `cannot reach the backend${known ? ` (${code})` : ''}`, {
    cause: error,
    details: { errno: code },
  });
}

export function createNodeTransport(baseUrl: string, options: NodeTransportOptions): HttpTransport {
  const base = new URL(baseUrl);
  const secure = base.protocol === 'https:';
  const agent = secure
    ? new https.Agent({ keepAlive: true, maxSockets: 4 })
    : new http.Agent({ keepAlive: true, maxSockets: 4 });
  const lib = secure ? https : http;
  const prefix = base.pathname.replace(/\/$/, '');

  return {
    request(req) {
      return new Promise<HttpResponse>((resolve, reject) => {
        const headers: Record<string, string> = { ...req.headers };
        if (req.body) headers['content-length'] = String(req.body.byteLength);
        const r = lib.request(
          {
            protocol: base.protocol,
            hostname: base.hostname,
            port: base.port,
            path: prefix + req.target,
            method: req.method,
            headers,
            agent,
          },
          (res) => {
            let failure: SyncError | undefined;
            res.on('error', (e) => (failure ??= mapError(e, 'body')));
            res.on('aborted', () => (failure ??= mapError(new Error('aborted'), 'body')));
            const body: AsyncIterable<Uint8Array> = {
              async *[Symbol.asyncIterator]() {
                try {
                  for await (const chunk of res) yield chunk as Uint8Array;
                } catch (e) {
                  throw failure ?? mapError(e, 'body');
                }
                if (failure) throw failure;
                if (!res.complete) throw mapError(new Error('incomplete'), 'body');
              },
            };
            resolve({
              status: res.statusCode ?? 0,
              header: (name) => {
                const v = res.headers[name.toLowerCase()];
                return Array.isArray(v) ? v[0] : v;
              },
              body,
              async text(maxBytes) {
                const parts: Buffer[] = [];
                let size = 0;
                for await (const chunk of body) {
                  size += chunk.byteLength;
                  if (size > maxBytes) {
                    res.destroy();
                    throw new SyncError(
                      'sync/malformed-response',
                      `response larger than ${maxBytes} bytes`,
                    );
                  }
                  parts.push(Buffer.from(chunk));
                }
                return Buffer.concat(parts).toString('utf8');
              },
              discard: () => res.destroy(),
            });
          },
        );
        r.setTimeout(options.timeoutMs, () => {
          r.destroy(
            new SyncError(
              'sync/timeout',
              `no progress from the backend for ${options.timeoutMs} ms`,
            ),
          );
        });
        r.on('error', (e) => reject(mapError(e, 'request')));
        r.end(req.body === undefined ? undefined : Buffer.from(req.body));
      });
    },
    close: () => agent.destroy(),
  };
}
