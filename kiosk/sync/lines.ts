/**
 * Splits a byte stream into NDJSON lines without holding the body in memory, and refuses lines
 * longer than the protocol allows (a body with no newline must not grow without bound). Pure
 * stream transform; chunk boundaries may fall anywhere, including inside a UTF-8 sequence.
 */
import { LIMITS } from '../../shared/contracts/sync/constants.ts';
import { SyncError } from './errors.ts';

const NEWLINE = 0x0a;

export async function* ndjsonLines(
  chunks: AsyncIterable<Uint8Array>,
  maxLineBytes: number = LIMITS.maxLineBytes,
): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of chunks) {
    let buf = carry.length
      ? Buffer.concat([carry, chunk])
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (let nl = buf.indexOf(NEWLINE, start); nl >= 0; nl = buf.indexOf(NEWLINE, start)) {
      if (nl - start > maxLineBytes) throw tooLong(maxLineBytes);
      yield decode(decoder, buf.subarray(start, nl));
      start = nl + 1;
    }
    buf = buf.subarray(start);
    if (buf.length > maxLineBytes) throw tooLong(maxLineBytes);
    carry = Buffer.from(buf);
  }
  if (carry.length > 0) yield decode(decoder, carry);
}

function decode(decoder: TextDecoder, bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw new SyncError('sync/body-invalid', 'a body line that is not UTF-8');
  }
}

function tooLong(max: number): SyncError {
  return new SyncError('sync/body-invalid', `a body line longer than ${max} bytes`);
}
