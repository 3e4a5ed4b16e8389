import { ReaderError } from '../errors.ts';

/** A response APDU: data field and status word (ISO/IEC 7816-4 §5.1). */
export interface ResponseApdu {
  readonly data: Uint8Array;
  readonly sw: number;
}

/** Splits response bytes; fewer than 2 bytes is a malformed response, never SW 0000. */
export function parseResponse(bytes: Uint8Array): ResponseApdu {
  if (bytes.length < 2) {
    throw new ReaderError(
      'reader/malformed-response',
      `a response needs at least the 2 status bytes, got ${bytes.length}`,
      { details: { length: bytes.length } },
    );
  }
  const n = bytes.length;
  return {
    data: bytes.subarray(0, n - 2),
    sw: (((bytes[n - 2] as number) << 8) | (bytes[n - 1] as number)) >>> 0,
  };
}

/** A response with no data: just the status word (what a simulator answers to most errors). */
export function encodeStatus(sw: number): Uint8Array {
  return Uint8Array.of((sw >> 8) & 0xff, sw & 0xff);
}

export function encodeResponse(data: Uint8Array, sw: number): Uint8Array {
  const out = new Uint8Array(data.length + 2);
  out.set(data, 0);
  out[data.length] = (sw >> 8) & 0xff;
  out[data.length + 1] = sw & 0xff;
  return out;
}
