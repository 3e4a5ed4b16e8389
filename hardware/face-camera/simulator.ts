import type { Frame } from '../serial/frame.ts';
import { FramedDeviceSide, type SimulatedReply } from '../serial/framed-device.ts';
import type { SerialLink } from '../serial/link.ts';
import {
  CMD,
  MAX_REFERENCE,
  MIN_REFERENCE,
  NAK,
  REPLY,
  decodeCapture,
  decodeChunk,
  decodeU32,
  encodeResult,
  encodeStatus,
  referenceCrc,
  type CaptureResult,
} from './protocol.ts';
import { isJp2 } from '../../shared/jp2.ts';

/** What the next capture will see: a face compared with a score, or one of the failures. */
export type SimulatedCapture =
  | { readonly outcome: 'compared'; readonly score: number; readonly live: boolean }
  | { readonly outcome: 'no-face' | 'multiple-faces' | 'camera-fault' | 'window-elapsed' };

/** A good match of a live face: what the simulator sees unless told otherwise. */
export const GOOD_MATCH: SimulatedCapture = { outcome: 'compared', score: 930, live: true };

interface Upload {
  readonly buffer: Uint8Array;
  received: number;
  lastChunk: number;
}

interface Capture {
  readonly result: CaptureResult;
  done: boolean;
  readonly timer: ReturnType<typeof setTimeout>;
}

/**
 * A simulated face-auth camera on the device end of a serial link, answering as PROTOCOL.md
 * says. A test controls what each capture sees (`queue`, else `otherwise`), how long it takes
 * (`captureMs`), and faults: `fault` (camera fault: CAPTURE NAKed 4, PING reports it),
 * `side.silent` / `side.delayMs` (dead or slow unit). The reference lives in memory only and is
 * zeroed on REF_CLEAR and REF_BEGIN; `loads` counts completed uploads.
 */
export class FaceCameraSimulator {
  readonly queue: SimulatedCapture[] = [];
  otherwise: SimulatedCapture = GOOD_MATCH;
  captureMs = 20;
  /** A capture that never ends (a hung matcher): only the host's deadline and ABORT end it. */
  stuck = false;
  fault = false;
  loads = 0;
  captures = 0;
  readonly side: FramedDeviceSide;
  private current: Uint8Array | undefined;
  private upload: Upload | undefined;
  private capture: Capture | undefined;

  constructor(link: SerialLink) {
    this.side = new FramedDeviceSide(link, (frame) => this.handle(frame));
  }

  /** The loaded reference (the device's own buffer, for tests to compare and watch). */
  get reference(): Uint8Array | undefined {
    return this.current;
  }

  private handle(frame: Frame): SimulatedReply {
    const nak = (code: number): SimulatedReply => ({
      cmd: REPLY.NAK,
      payload: Uint8Array.of(code),
    });
    const ack: SimulatedReply = { cmd: REPLY.ACK };
    try {
      switch (frame.cmd) {
        case CMD.PING:
          return {
            cmd: REPLY.STATUS,
            payload: encodeStatus({
              cameraOk: !this.fault,
              referenceLoaded: this.current !== undefined,
              capturing: this.capture !== undefined && !this.capture.done,
              firmware: '2.1',
            }),
          };
        case CMD.REF_BEGIN: {
          if (this.busy) return nak(NAK.BUSY);
          const length = decodeU32(frame.payload, 'REF_BEGIN');
          if (length < MIN_REFERENCE || length > MAX_REFERENCE) return nak(NAK.BAD_PAYLOAD);
          this.clear();
          this.upload = { buffer: new Uint8Array(length), received: 0, lastChunk: 0 };
          return ack;
        }
        case CMD.REF_CHUNK:
          return this.chunk(frame.payload) ? ack : nak(NAK.OUT_OF_SEQUENCE);
        case CMD.REF_END: {
          const crc = decodeU32(frame.payload, 'REF_END');
          const u = this.upload;
          if (!u) return nak(NAK.OUT_OF_SEQUENCE);
          this.upload = undefined;
          if (
            u.received !== u.buffer.length ||
            referenceCrc(u.buffer) !== crc ||
            !isJp2(u.buffer)
          ) {
            u.buffer.fill(0);
            return nak(NAK.REFERENCE_INVALID);
          }
          this.current = u.buffer;
          this.loads += 1;
          return ack;
        }
        case CMD.REF_CLEAR:
          if (this.busy) return nak(NAK.BUSY);
          this.clear();
          return ack;
        case CMD.CAPTURE:
          return this.startCapture(decodeCapture(frame.payload)) ?? ack;
        case CMD.RESULT: {
          const c = this.capture;
          if (!c) return nak(NAK.NOTHING_TO_REPORT);
          if (!c.done) return { cmd: REPLY.PENDING };
          this.capture = undefined;
          return { cmd: REPLY.RESULT, payload: encodeResult(c.result) };
        }
        case CMD.ABORT:
          if (this.capture) clearTimeout(this.capture.timer);
          this.capture = undefined;
          return ack;
        default:
          return nak(NAK.UNKNOWN_COMMAND);
      }
    } catch {
      return nak(NAK.BAD_PAYLOAD);
    }
  }

  private get busy(): boolean {
    return this.capture !== undefined && !this.capture.done;
  }

  /** In order; a repeat of the last chunk (a resend after a lost ACK) is acknowledged again. */
  private chunk(payload: Uint8Array): boolean {
    const u = this.upload;
    const { offset, data } = decodeChunk(payload);
    if (!u) return false;
    if (offset === u.received - u.lastChunk && data.length === u.lastChunk) return true;
    if (offset !== u.received || offset + data.length > u.buffer.length) return false;
    u.buffer.set(data, offset);
    u.received += data.length;
    u.lastChunk = data.length;
    return true;
  }

  private startCapture(windowMs: number): SimulatedReply | undefined {
    const nak = (code: number): SimulatedReply => ({
      cmd: REPLY.NAK,
      payload: Uint8Array.of(code),
    });
    if (this.busy) return nak(NAK.BUSY);
    if (this.fault) return nak(NAK.CAMERA_FAULT);
    if (!this.current) return nak(NAK.NO_REFERENCE);
    const seen = this.queue.shift() ?? this.otherwise;
    this.captures += 1;
    const late = this.captureMs > windowMs;
    const result: CaptureResult =
      late || seen.outcome !== 'compared'
        ? {
            outcome: late ? 'window-elapsed' : seen.outcome,
            score: 0,
            live: false,
            faces: seen.outcome === 'multiple-faces' ? 2 : 0,
          }
        : { outcome: 'compared', score: seen.score, live: seen.live, faces: 1 };
    const capture: Capture = {
      result,
      done: false,
      timer: setTimeout(() => (capture.done = !this.stuck), Math.min(this.captureMs, windowMs)),
    };
    this.capture = capture;
    return undefined;
  }

  private clear(): void {
    this.current?.fill(0);
    this.current = undefined;
    this.upload?.buffer.fill(0);
    this.upload = undefined;
  }

  close(): Promise<void> {
    if (this.capture) clearTimeout(this.capture.timer);
    this.clear();
    return this.side.close();
  }
}
