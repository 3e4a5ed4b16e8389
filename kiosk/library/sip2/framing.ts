/**
 * Splits a TCP byte stream into SIP2 frames at each CR (SIP2 Guide "Message Format"). Chunk
 * boundaries mean nothing; a LF after the CR (systems that send CR LF) is dropped; a run of
 * bytes longer than any message without a CR is discarded and reported, so a peer sending
 * garbage cannot grow the buffer without bound. Pure.
 */
import { LINE_FEED, MAX_FRAME_BYTES, TERMINATOR } from './constants.ts';

export interface SplitResult {
  readonly frames: Uint8Array[];
  readonly problems: ('frame-too-long' | 'empty-frame')[];
}

export class Sip2FrameSplitter {
  private buffer = new Uint8Array(256);
  private length = 0;
  /** Inside an over-long run: drop bytes until the next CR. */
  private discarding = false;

  constructor(private readonly maxBytes: number = MAX_FRAME_BYTES) {}

  push(chunk: Uint8Array): SplitResult {
    const frames: Uint8Array[] = [];
    const problems: SplitResult['problems'] = [];
    let start = 0;
    for (let i = 0; i < chunk.length; i += 1) {
      if (chunk[i] !== TERMINATOR) continue;
      this.append(chunk.subarray(start, i), problems);
      start = i + 1;
      if (this.discarding) {
        this.discarding = false;
      } else {
        const frame = this.take();
        if (frame.length > 0) frames.push(frame);
        else problems.push('empty-frame');
      }
      this.length = 0;
    }
    this.append(chunk.subarray(start), problems);
    return { frames, problems };
  }

  /** Bytes held of an unfinished frame. */
  get pending(): number {
    return this.length;
  }

  private append(part: Uint8Array, problems: SplitResult['problems']): void {
    if (this.discarding || part.length === 0) return;
    if (this.length + part.length > this.maxBytes) {
      this.discarding = true;
      this.length = 0;
      problems.push('frame-too-long');
      return;
    }
    if (this.length + part.length > this.buffer.length) {
      const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + part.length));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.buffer.set(part, this.length);
    this.length += part.length;
  }

  private take(): Uint8Array {
    let from = 0;
    while (from < this.length && this.buffer[from] === LINE_FEED) from += 1;
    return this.buffer.slice(from, this.length);
  }
}
