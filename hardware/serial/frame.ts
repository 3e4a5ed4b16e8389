import { HardwareError } from '../errors.ts';

/**
 * The frame format of Kazasu's own serial devices (the validator display and the face-auth
 * camera), documented in hardware/serial/FRAMING.md:
 *
 *   STX(02) | LEN(2, big-endian) | SEQ(1) | CMD(1) | PAYLOAD(LEN-2) | CRC(2, big-endian)
 *
 * LEN counts SEQ, CMD and PAYLOAD; CRC is CRC-16/CCITT-FALSE over LEN..PAYLOAD. The decoder
 * resynchronises on the next STX after garbage, a bad length or a bad CRC, and reports each
 * such case; it never throws and never buffers more than one maximal frame.
 */
export const STX = 0x02;
export const MAX_PAYLOAD = 1024;
const HEADER = 3; // STX + LEN
const TRAILER = 2; // CRC

export interface Frame {
  readonly seq: number;
  readonly cmd: number;
  readonly payload: Uint8Array;
}

export type FrameProblem = 'garbage' | 'length' | 'crc';

/** CRC-16/CCITT-FALSE: poly 1021, init FFFF, no reflection ("123456789" → 29B1). */
export function crc16(bytes: Uint8Array, from = 0, to = bytes.length): number {
  let crc = 0xffff;
  for (let i = from; i < to; i += 1) {
    crc ^= (bytes[i] as number) << 8;
    for (let b = 0; b < 8; b += 1)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

export function encodeFrame(frame: Frame): Uint8Array {
  if (frame.payload.length > MAX_PAYLOAD) {
    throw new HardwareError(
      'hardware/frame-invalid',
      `payload of ${frame.payload.length} bytes exceeds ${MAX_PAYLOAD}`,
    );
  }
  if (
    !Number.isInteger(frame.seq) ||
    frame.seq < 0 ||
    frame.seq > 255 ||
    !Number.isInteger(frame.cmd) ||
    frame.cmd < 0 ||
    frame.cmd > 255
  ) {
    throw new HardwareError('hardware/frame-invalid', 'SEQ and CMD are bytes');
  }
  const len = frame.payload.length + 2;
  const out = new Uint8Array(HEADER + len + TRAILER);
  out[0] = STX;
  out[1] = len >> 8;
  out[2] = len & 0xff;
  out[3] = frame.seq;
  out[4] = frame.cmd;
  out.set(frame.payload, 5);
  const crc = crc16(out, 1, HEADER + len);
  out[HEADER + len] = crc >> 8;
  out[HEADER + len + 1] = crc & 0xff;
  return out;
}

/** Streaming decoder: push chunks, get whole frames and the problems met on the way. */
export class FrameDecoder {
  private buffer = new Uint8Array(0);

  push(chunk: Uint8Array): { frames: Frame[]; problems: FrameProblem[] } {
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer, 0);
    joined.set(chunk, this.buffer.length);
    const frames: Frame[] = [];
    const problems: FrameProblem[] = [];
    let at = 0;
    while (at < joined.length) {
      if (joined[at] !== STX) {
        const next = joined.indexOf(STX, at);
        problems.push('garbage');
        if (next < 0) {
          at = joined.length;
          break;
        }
        at = next;
        continue;
      }
      if (joined.length - at < HEADER) break;
      const len = ((joined[at + 1] as number) << 8) | (joined[at + 2] as number);
      if (len < 2 || len > MAX_PAYLOAD + 2) {
        problems.push('length');
        at += 1;
        continue;
      }
      const end = at + HEADER + len + TRAILER;
      if (joined.length < end) break;
      const crc = ((joined[end - 2] as number) << 8) | (joined[end - 1] as number);
      if (crc16(joined, at + 1, end - TRAILER) !== crc) {
        problems.push('crc');
        at += 1;
        continue;
      }
      frames.push({
        seq: joined[at + 3] as number,
        cmd: joined[at + 4] as number,
        payload: joined.slice(at + 5, end - TRAILER),
      });
      at = end;
    }
    this.buffer = joined.slice(at);
    return { frames, problems };
  }

  get pending(): number {
    return this.buffer.length;
  }
}
