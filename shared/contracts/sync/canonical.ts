/**
 * Canonical forms that signatures cover. Pure: no crypto here, only the exact bytes to sign,
 * so device and backend cannot disagree about them.
 */
import { SIGNATURE_TAGS } from './constants.ts';

export type Json =
  null | boolean | number | string | readonly Json[] | { readonly [k: string]: Json };

/**
 * JSON with object keys sorted by UTF-16 code unit order and no whitespace (the ordering and
 * number form of RFC 8785 for the values this protocol uses: integers, strings, booleans,
 * null, arrays and objects). Non-finite numbers and non-JSON values are refused.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
    }
    case 'bigint':
    case 'function':
    case 'symbol':
    case 'undefined':
      break;
  }
  throw new TypeError(`canonicalJson: ${typeof value} is not JSON`);
}

/** The parts of an HTTP request a device signs. */
export interface RequestToSign {
  readonly method: string;
  /** Path and query exactly as sent (`/v1/datasets/fares/updates?after=3`). */
  readonly target: string;
  readonly deviceId: string;
  /** Device clock, milliseconds since the epoch, corrected by the last known skew. */
  readonly timestamp: number;
  /** 16 random bytes in hex, never reused within the request window. */
  readonly nonce: string;
  /** SHA-256 of the body in lower-case hex (of the empty string for no body). */
  readonly bodySha256: string;
}

/**
 * The string a request signature covers: one field a line, tagged, so that a signature can be
 * neither moved to another method, path, body or device nor replayed after the window.
 */
export function requestSigningString(r: RequestToSign): string {
  return [
    SIGNATURE_TAGS.request,
    r.method.toUpperCase(),
    r.target,
    r.deviceId,
    String(r.timestamp),
    r.nonce,
    r.bodySha256,
  ].join('\n');
}

/** The string a dataset manifest signature covers. */
export function manifestSigningString(manifest: unknown): string {
  return `${SIGNATURE_TAGS.manifest}\n${canonicalJson(manifest)}`;
}
