/**
 * The counter's side of the resident look-up (shared/contracts/residents.ts): signed requests to
 * the municipality backend, as every device request is (kiosk/sync/api.ts). A backend that
 * cannot be reached is `offline` — a state the flow shows (the look-up is pending on the form),
 * never an exception; a refusal is its error code. Bodies carry the four items and, for the My
 * Number check, the number; their bytes are zeroed once sent, and nothing is logged.
 */
import {
  COUNTER_PATHS,
  LookupResponseSchema,
  MyNumberResponseSchema,
  type LookupRequest,
  type LookupResponse,
  type MyNumberRequest,
  type MyNumberResponse,
} from '../../shared/contracts/residents.ts';
import { isKazasuError, serializeError } from '../../shared/errors.ts';
import type { BackendApi } from '../sync/api.ts';

/** Failures that mean "no backend now", as opposed to a backend that said no. */
const OFFLINE = new Set(['sync/unreachable', 'sync/timeout', 'sync/connection-lost']);

export type Answer<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly offline: boolean; readonly code: string };

export interface ResidentService {
  lookup(four: LookupRequest): Promise<Answer<LookupResponse>>;
  checkMyNumber(request: MyNumberRequest): Promise<Answer<MyNumberResponse>>;
}

export class BackendResidents implements ResidentService {
  constructor(private readonly api: Pick<BackendApi, 'call'>) {}

  lookup(four: LookupRequest): Promise<Answer<LookupResponse>> {
    return this.post(four, (body) =>
      this.api.call('POST', COUNTER_PATHS.lookup, body, LookupResponseSchema),
    );
  }

  checkMyNumber(request: MyNumberRequest): Promise<Answer<MyNumberResponse>> {
    return this.post(request, (body) =>
      this.api.call('POST', COUNTER_PATHS.myNumber, body, MyNumberResponseSchema),
    );
  }

  private async post<T>(
    payload: object,
    send: (body: Uint8Array) => Promise<T>,
  ): Promise<Answer<T>> {
    const body = new TextEncoder().encode(JSON.stringify(payload));
    try {
      return { ok: true, value: await send(body) };
    } catch (error) {
      const code = isKazasuError(error) ? error.code : serializeError(error).code;
      const backendCode = isKazasuError(error) ? error.details['backendCode'] : undefined;
      return {
        ok: false,
        offline: OFFLINE.has(code),
        code: typeof backendCode === 'string' ? backendCode : code,
      };
    } finally {
      body.fill(0);
    }
  }
}
