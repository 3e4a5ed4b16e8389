import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { serializeError } from '../../shared/errors.ts';
import { silentLogger, type Logger } from '../../shared/log.ts';
import type { LocalApi } from './local-api.ts';
import { rawText } from './ws-text.ts';

/** Content-Security-Policy for the renderer: its own scripts and styles, the API socket, nothing else. */
export const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
  "font-src 'self'; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; base-uri 'none'; " +
  "form-action 'none'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export interface UiServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves the built renderer and the local API WebSocket (`/api`) on loopback only. A WebSocket
 * whose Origin is not this server is refused: any web page the kiosk browser might open could
 * otherwise talk to the service.
 */
export async function startUiServer(o: {
  api: LocalApi;
  rendererDir: string;
  port?: number;
  host?: '127.0.0.1' | 'localhost';
  logger?: Logger;
}): Promise<UiServer> {
  const log = (o.logger ?? silentLogger).child({ module: 'ui-server' });
  const host = o.host ?? '127.0.0.1';
  const server: Server = createServer((req, res) => serveFile(o.rendererDir, req, res));
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const sockets = new Set<WebSocket>();
  let origin = '';
  server.on('upgrade', (req, socket, head) => {
    const allowed =
      req.url === '/api' && (req.headers.origin === origin || req.headers.origin === undefined);
    if (!allowed) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      const off = o.api.subscribe((push) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(push));
      });
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        void o.api.handle(rawText(data)).then((reply) => {
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
        });
      });
      ws.on('close', () => {
        off();
        sockets.delete(ws);
      });
      ws.on('error', (error) => log.warn({ err: serializeError(error) }, 'api socket error'));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  origin = `http://${host}:${port}`;
  return {
    url: `${origin}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.terminate();
        wss.close();
        server.close(() => resolve());
      }),
  };
}

function serveFile(root: string, req: IncomingMessage, res: ServerResponse): void {
  const headers = {
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, headers).end();
    return;
  }
  const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
  if (path === '/healthz') {
    res.writeHead(200, { ...headers, 'Content-Type': 'text/plain' }).end('ok');
    return;
  }
  const file = normalize(join(root, path === '/' ? 'index.html' : path));
  if (!file.startsWith(normalize(root) + sep) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found');
    return;
  }
  res
    .writeHead(200, {
      ...headers,
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    })
    .end(req.method === 'HEAD' ? undefined : readFileSync(file));
}
