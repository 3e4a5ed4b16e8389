/**
 * The reference backend's HTTP API (documented in openapi.yaml; routes.test.ts keeps the two
 * in agreement). node:http, JSON in and out, NDJSON bodies streamed from files. Every response
 * carries the backend's clock; every error is `{ error: { code, message } }`.
 */
import { createReadStream } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HEADERS, LIMITS, PATHS } from '../../shared/contracts/sync/constants.ts';
import {
  DATASET_KINDS,
  DATASET_NAMES,
  DATASETS_BY_ROLE,
  type DatasetKind,
  type DatasetName,
} from '../../shared/contracts/sync/datasets.ts';
import { UploadRequestSchema } from '../../shared/contracts/sync/events.ts';
import {
  COUNTER_PATHS,
  LookupRequestSchema,
  MyNumberRequestSchema,
} from '../../shared/contracts/residents.ts';
import { describeIssues, parseJsonText, parseWire } from '../../shared/contracts/sync/wire.ts';
import type { z } from 'zod';
import type { Clock } from '../../shared/clock.ts';
import { isKazasuError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/log.ts';
import type { AuthenticatedDevice, Authenticator } from './auth.ts';
import type { DatasetPublisher } from './datasets.ts';
import { BackendError, HTTP_STATUS, type BackendErrorCode } from './errors.ts';
import type { EventIngest } from './events.ts';
import type { ResidentRegister } from './residents.ts';

export interface BackendServices {
  readonly auth: Authenticator;
  readonly ingest: EventIngest;
  readonly publisher: DatasetPublisher;
  readonly residents: ResidentRegister;
  readonly clock: Clock;
  readonly logger: Logger;
}

interface Request {
  readonly method: string;
  readonly target: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly params: Readonly<Record<string, string>>;
  readonly header: (name: string) => string | undefined;
  readonly body: Buffer;
}

type Reply =
  | { readonly status: number; readonly json: unknown }
  | { readonly status: number; readonly file: string; readonly bytes: number };

interface Route {
  readonly method: 'GET' | 'POST';
  /** OpenAPI-style template, `{name}` for a path parameter. */
  readonly path: string;
  readonly signed: boolean;
  readonly handle: (
    req: Request,
    s: BackendServices,
    device: AuthenticatedDevice | undefined,
  ) => Reply;
}

function dataset(req: Request, device: AuthenticatedDevice | undefined): DatasetName {
  const name = DATASET_NAMES.find((n) => n === req.params['name']);
  if (!name) throw new BackendError('backend/not-found', 'no such dataset');
  if (!device || !DATASETS_BY_ROLE[device.role].includes(name)) {
    throw new BackendError(
      'backend/forbidden',
      `a ${device?.role ?? 'unknown'} device may not read ${name}`,
    );
  }
  return name;
}

/** A JSON body parsed by its schema; anything else is `backend/bad-request`. */
function jsonBody<S extends z.ZodType>(req: Request, schema: S): z.output<S> {
  const json = parseJsonText(req.body.toString('utf8'));
  const parsed = json.ok ? parseWire(schema, json.value) : json;
  if (!parsed.ok) throw new BackendError('backend/bad-request', describeIssues(parsed.issues));
  return parsed.value;
}

/** The body of a counter request: only counter devices may ask about residents. */
function counterBody<S extends z.ZodType>(
  req: Request,
  device: AuthenticatedDevice | undefined,
  schema: S,
): z.output<S> {
  if (device?.role !== 'counter') {
    throw new BackendError(
      'backend/forbidden',
      `a ${device?.role ?? 'unknown'} device may not look residents up`,
    );
  }
  return jsonBody(req, schema);
}

function wholeNumber(text: string | null | undefined, what: string): number {
  const n = Number(text ?? '');
  if (!/^\d{1,15}$/.test(text ?? '') || !Number.isSafeInteger(n)) {
    throw new BackendError('backend/bad-request', `${what} must be a whole number`);
  }
  return n;
}

export const ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: PATHS.health,
    signed: false,
    handle: (_req, s) => ({ status: 200, json: { ok: true, serverTime: s.clock.now() } }),
  },
  {
    method: 'GET',
    path: PATHS.device,
    signed: true,
    handle: (_req, s, device) => ({
      status: 200,
      json: s.ingest.deviceInfo(device as AuthenticatedDevice),
    }),
  },
  {
    method: 'POST',
    path: PATHS.events,
    signed: true,
    handle: (req, s, device) => {
      const upload = jsonBody(req, UploadRequestSchema);
      const results = s.ingest.ingest(device as AuthenticatedDevice, upload);
      return { status: 200, json: { results, serverTime: s.clock.now() } };
    },
  },
  {
    method: 'GET',
    path: PATHS.datasetUpdates('{name}'),
    signed: true,
    handle: (req, s, device) => {
      const name = dataset(req, device);
      const after = wholeNumber(req.query.get('after'), 'after');
      const { latest, updates } = s.publisher.updates(
        name,
        after,
        req.query.get('snapshot') === '1',
      );
      return { status: 200, json: { dataset: name, latest, updates, serverTime: s.clock.now() } };
    },
  },
  {
    method: 'GET',
    path: PATHS.datasetBody('{name}', 0, '{kind}').replace('/0/', '/{version}/'),
    signed: true,
    handle: (req, s, device) => {
      const name = dataset(req, device);
      const version = wholeNumber(req.params['version'], 'version');
      const kind = DATASET_KINDS.find((k): k is DatasetKind => k === req.params['kind']);
      const body = kind && s.publisher.bodyFile(name, version, kind);
      if (!body)
        throw new BackendError(
          'backend/not-found',
          'no such dataset body (pruned? ask for updates again)',
        );
      return { status: 200, file: body.path, bytes: body.bytes };
    },
  },
  {
    method: 'POST',
    path: COUNTER_PATHS.lookup,
    signed: true,
    handle: (req, s, device) => {
      const found = s.residents.lookup(counterBody(req, device, LookupRequestSchema));
      return { status: 200, json: { ...found, serverTime: s.clock.now() } };
    },
  },
  {
    method: 'POST',
    path: COUNTER_PATHS.myNumber,
    signed: true,
    handle: (req, s, device) => {
      const outcome = s.residents.checkMyNumber(counterBody(req, device, MyNumberRequestSchema));
      if (outcome === 'unknown-resident')
        throw new BackendError('backend/not-found', 'no resident with that id');
      return { status: 200, json: { outcome, serverTime: s.clock.now() } };
    },
  },
];

const compiled = ROUTES.map((r) => ({
  route: r,
  regex: new RegExp(`^${r.path.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`),
}));

function match(method: string, path: string): { route: Route; params: Record<string, string> } {
  let pathKnown = false;
  for (const { route, regex } of compiled) {
    const m = regex.exec(path);
    if (!m) continue;
    pathKnown = true;
    if (route.method === method) return { route, params: { ...m.groups } };
  }
  throw new BackendError(
    'backend/not-found',
    pathKnown ? 'method not allowed here' : 'no such route',
  );
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BackendError('backend/too-large', `request body over ${limit} bytes`));
        req.pause();
        return;
      }
      parts.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

async function handle(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  s: BackendServices,
): Promise<number> {
  const target = req.url ?? '/';
  const url = new URL(target, 'http://backend');
  res.setHeader(HEADERS.serverTime, String(s.clock.now()));
  let reply: Reply;
  let device: AuthenticatedDevice | undefined;
  try {
    const { route, params } = match(req.method ?? 'GET', url.pathname);
    const body = await readBody(req, LIMITS.maxUploadBytes);
    const request: Request = {
      method: req.method ?? 'GET',
      target,
      path: url.pathname,
      query: url.searchParams,
      params,
      header: (name) => {
        const v = req.headers[name];
        return Array.isArray(v) ? v[0] : v;
      },
      body,
    };
    device = route.signed ? s.auth.authenticate(request) : undefined;
    reply = route.handle(request, s, device);
  } catch (error) {
    const code: BackendErrorCode =
      isKazasuError(error) && error.code in HTTP_STATUS
        ? (error.code as BackendErrorCode)
        : 'backend/internal';
    if (code === 'backend/internal') s.logger.error({ err: String(error) }, 'request failed');
    const message = code === 'backend/internal' ? 'internal error' : (error as Error).message;
    reply = { status: HTTP_STATUS[code], json: { error: { code, message } } };
  }
  if ('json' in reply) {
    const text = JSON.stringify(reply.json);
    res.writeHead(reply.status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  } else {
    res.writeHead(reply.status, {
      'content-type': 'application/x-ndjson',
      'content-length': reply.bytes,
    });
    createReadStream(reply.file).pipe(res);
  }
  if (s.logger.isLevelEnabled('debug')) {
    s.logger.debug(
      { method: req.method, path: url.pathname, status: reply.status, deviceId: device?.deviceId },
      'request',
    );
  }
  return reply.status;
}

export interface RunningServer {
  readonly port: number;
  readonly host: string;
  close(): Promise<void>;
}

export function startServer(
  s: BackendServices,
  port: number,
  host: string,
): Promise<RunningServer> {
  const server = http.createServer((req, res) => {
    handle(req, res, s).catch((error: unknown) => {
      s.logger.error({ err: String(error) }, 'response failed');
      res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address() as AddressInfo;
      resolve({
        port: address.port,
        host,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
