import { SW } from '../apdu/status.ts';
import { ReaderError } from '../errors.ts';
import { tlvTotalLength } from '../tlv/ber.ts';
import type { CardChannel } from '../transport/channel.ts';
import { readBinary } from './commands.ts';
import { MAX_READ_BINARY_OFFSET, MAX_SHORT_LE, TLV_HEADER_PROBE } from './constants.ts';

/**
 * Reads `length` bytes of the current EF from `offset`, in short READ BINARY chunks of at most
 * 256 bytes. A card that ends the file early (6282, or fewer bytes than asked) ends the read.
 */
export async function readBinaryRange(
  channel: CardChannel,
  offset: number,
  length: number,
): Promise<Uint8Array> {
  if (offset + length - 1 > MAX_READ_BINARY_OFFSET + MAX_SHORT_LE) {
    throw new ReaderError(
      'reader/apdu-invalid',
      `cannot read ${length} bytes at ${offset} with short READ BINARY`,
    );
  }
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const want = Math.min(MAX_SHORT_LE, length - done);
    const r = await channel.send(readBinary(offset + done, want), {
      accept: [SW.OK, SW.END_OF_FILE],
    });
    out.set(r.data.subarray(0, want), done);
    done += Math.min(r.data.length, want);
    if (r.sw === SW.END_OF_FILE || r.data.length < want) break;
  }
  return done === length ? out : out.slice(0, done);
}

/**
 * Reads the current EF when it holds one BER-TLV, the way the card is read (jpki/myna
 * `read_binary_all`): the first 7 bytes, the TLV's length from its header, then the rest.
 * Bytes after the TLV (filler) are not read. The result is exactly the TLV.
 */
export async function readTlvFile(channel: CardChannel, maxLength = 16384): Promise<Uint8Array> {
  const head = await readBinaryRange(channel, 0, TLV_HEADER_PROBE);
  const total = tlvTotalLength(head); // tlv-incomplete if even the header is cut short
  if (total > maxLength) {
    throw new ReaderError(
      'reader/tlv-invalid',
      `the file claims a ${total}-byte TLV (limit ${maxLength})`,
      {
        details: { total, maxLength },
      },
    );
  }
  if (total <= head.length) return head.slice(0, total);
  const rest = await readBinaryRange(channel, head.length, total - head.length);
  if (rest.length !== total - head.length) {
    throw new ReaderError(
      'reader/tlv-incomplete',
      `the file ended ${total - head.length - rest.length} byte(s) early`,
      {
        details: { missing: total - head.length - rest.length },
      },
    );
  }
  const out = new Uint8Array(total);
  out.set(head, 0);
  out.set(rest, head.length);
  return out;
}

/**
 * Reads the current EF to its physical end, filler included (the integrity record digests EF
 * 0001 "as stored"): 256-byte chunks until the card returns fewer bytes, 6282 (end of file) or,
 * for an offset past the end, 6B00.
 */
export async function readWholeFile(channel: CardChannel, maxLength = 4096): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  while (total < maxLength) {
    const r = await channel.send(readBinary(total, MAX_SHORT_LE), {
      accept: [SW.OK, SW.END_OF_FILE, SW.WRONG_PARAMETERS],
    });
    if (r.sw === SW.WRONG_PARAMETERS) break;
    parts.push(r.data);
    total += r.data.length;
    if (r.sw === SW.END_OF_FILE || r.data.length < MAX_SHORT_LE) break;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
