/**
 * The backend's HTTP API as typed calls. Every request is signed with the device key over
 * method, target, body digest, time and a fresh nonce (shared/contracts/sync/canonical.ts);
 * every response is parsed by its schema before use. The backend's clock comes back on every
 * response, so a device with a drifting clock corrects itself and retries once.
 */
import { HEADERS, PATHS } from '../../shared/contracts/sync/constants.ts';
import { requestSigningString } from '../../shared/contracts/sync/canonical.ts';
import {
  UpdatesResponseSchema,
  type DatasetName,
  type Manifest,
  type UpdatesResponse,
} from '../../shared/contracts/sync/datasets.ts';
import {
  DeviceInfoSchema,
  ErrorBodySchema,
  UploadResponseSchema,
  type DeviceInfo,
  type UploadResponse,
} from '../../shared/contracts/sync/events.ts';
import { describeIssues, parseJsonText, parseWire } from '../../shared/contracts/sync/wire.ts';
import type { Clock } from '../../shared/clock.ts';
import type { z } from 'zod';
import { sha256Hex } from '../crypto.ts';
import { SyncError } from './errors.ts';
import type { HttpResponse, HttpTransport } from './transport.ts';

/** What signs requests: the device id and its private key (kiosk/store/identity.ts). */
export interface RequestSigner {
  readonly deviceId: string;
  sign(text: string): string;
}

/** Backend clock minus device clock, kept across runs by the caller. */
export interface ClockOffset {
  get(): number;
  set(ms: number): void;
}

export interface BackendApiOptions {
  readonly transport: HttpTransport;
  readonly signer: RequestSigner;
  readonly clock: Clock;
  readonly offset: ClockOffset;
  readonly randomHex: (bytes: number) => string;
}

const MAX_JSON_RESPONSE = 4 * 1024 * 1024;
const NONCE_BYTES = 16;

export class BackendApi {
  constructor(private readonly o: BackendApiOptions) {}

  async deviceInfo(): Promise<DeviceInfo> {
    return this.json('GET', PATHS.device, undefined, DeviceInfoSchema);
  }

  /** `bodyJson` is the serialised UploadRequest. */
  async upload(bodyJson: string): Promise<UploadResponse> {
    return this.json('POST', PATHS.events, Buffer.from(bodyJson, 'utf8'), UploadResponseSchema);
  }

  async updates(dataset: DatasetName, after: number, snapshot: boolean): Promise<UpdatesResponse> {
    const query = `?after=${after}${snapshot ? '&snapshot=1' : ''}`;
    return this.json(
      'GET',
      PATHS.datasetUpdates(dataset) + query,
      undefined,
      UpdatesResponseSchema,
    );
  }

  /** The body a manifest names, as a stream: the caller checks it against the manifest. */
  async body(m: Manifest): Promise<HttpResponse> {
    return this.send('GET', PATHS.datasetBody(m.dataset, m.version, m.kind), undefined);
  }

  /**
   * A signed JSON request to another route of the same backend (the counter's resident look-up
   * uses it); the caller owns `body` and may zero it once this resolves.
   */
  async call<S extends z.ZodType>(
    method: 'GET' | 'POST',
    target: string,
    body: Uint8Array | undefined,
    schema: S,
  ): Promise<z.output<S>> {
    return this.json(method, target, body, schema);
  }

  private async json<S extends z.ZodType>(
    method: 'GET' | 'POST',
    target: string,
    body: Uint8Array | undefined,
    schema: S,
  ): Promise<z.output<S>> {
    const res = await this.send(method, target, body);
    const text = await res.text(MAX_JSON_RESPONSE);
    const json = parseJsonText(text);
    const parsed = json.ok ? parseWire(schema, json.value) : json;
    if (!parsed.ok) {
      throw new SyncError(
        'sync/malformed-response',
        `${method} ${target.split('?')[0]}: ${describeIssues(parsed.issues)}`,
      );
    }
    return parsed.value;
  }

  /** Sends a signed request; a 2xx response is returned, anything else thrown as a SyncError. */
  private async send(
    method: 'GET' | 'POST',
    target: string,
    body: Uint8Array | undefined,
  ): Promise<HttpResponse> {
    for (let attempt = 0; ; attempt += 1) {
      const res = await this.o.transport.request({
        method,
        target,
        headers: this.sign(method, target, body),
        body,
      });
      this.noteServerTime(res);
      if (res.status >= 200 && res.status < 300) return res;
      const backendCode = await errorCode(res);
      if (res.status === 401 && backendCode === 'backend/clock-skew' && attempt === 0) continue;
      throw statusError(res.status, backendCode, method, target);
    }
  }

  private sign(
    method: string,
    target: string,
    body: Uint8Array | undefined,
  ): Record<string, string> {
    const timestamp = Math.round(this.o.clock.now() + this.o.offset.get());
    const nonce = this.o.randomHex(NONCE_BYTES);
    const signature = this.o.signer.sign(
      requestSigningString({
        method,
        target,
        deviceId: this.o.signer.deviceId,
        timestamp,
        nonce,
        bodySha256: sha256Hex(body ?? new Uint8Array(0)),
      }),
    );
    const headers: Record<string, string> = {
      [HEADERS.device]: this.o.signer.deviceId,
      [HEADERS.timestamp]: String(timestamp),
      [HEADERS.nonce]: nonce,
      [HEADERS.signature]: signature,
      accept: 'application/json, application/x-ndjson',
    };
    if (body) headers['content-type'] = 'application/json';
    return headers;
  }

  private noteServerTime(res: HttpResponse): void {
    const server = Number(res.header(HEADERS.serverTime));
    if (Number.isSafeInteger(server) && server > 0) this.o.offset.set(server - this.o.clock.now());
  }
}

async function errorCode(res: HttpResponse): Promise<string | undefined> {
  try {
    const json = parseJsonText(await res.text(64 * 1024));
    const parsed = json.ok ? parseWire(ErrorBodySchema, json.value) : undefined;
    return parsed?.ok ? parsed.value.error.code : undefined;
  } catch {
    return undefined;
  }
}

function statusError(
  status: number,
  backendCode: string | undefined,
  method: string,
  target: string,
): SyncError {
  const what = `${method} ${target.split('?')[0]} answered ${status}${backendCode ? ` (${backendCode})` : ''}`;
  const details = { status, backendCode };
  if (status >= 500) return new SyncError('sync/server-error', what, { details });
  if (status === 401 && backendCode === 'backend/clock-skew')
    return new SyncError('sync/clock-skew', what, { details });
  if (status === 401) return new SyncError('sync/unauthorised', what, { details });
  if (status === 403) return new SyncError('sync/forbidden', what, { details });
  return new SyncError('sync/rejected', what, { details });
}
