/**
 * Splits a byte stream into NDJSON lines without holding the body in memory, and refuses lines
 * longer than the protocol allows (a body with no newline must not grow without bound). Pure
 * stream transform; chunk boundaries may fall anywhere, including inside a UTF-8 sequence.
 * Lines come in batches, one per input chunk: a million-line body then costs a few hundred
 * awaits and UTF-8 decodes, not a million of each.
 */
import { LIMITS } from '../../shared/contracts/sync/constants.ts';
import { SyncError } from './errors.ts';

const NEWLINE = 0x0a;

export async function* ndjsonLineBatches(
  chunks: AsyncIterable<Uint8Array>,
  maxLineBytes: number = LIMITS.maxLineBytes,
): AsyncGenerator<string[]> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of chunks) {
    const buf = carry.length
      ? Buffer.concat([carry, chunk])
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const last = buf.lastIndexOf(NEWLINE);
    if (last < 0) {
      if (buf.length > maxLineBytes) throw tooLong(maxLineBytes);
      carry = Buffer.from(buf);
      continue;
    }
    const lines = decode(decoder, buf.subarray(0, last)).split('\n');
    // Characters never outnumber bytes, so this bounds every line to 4 × maxLineBytes at worst.
    if (lines.some((l) => l.length > maxLineBytes)) throw tooLong(maxLineBytes);
    carry = Buffer.from(buf.subarray(last + 1));
    if (carry.length > maxLineBytes) throw tooLong(maxLineBytes);
    yield lines;
  }
  if (carry.length > 0) yield [decode(decoder, carry)];
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
