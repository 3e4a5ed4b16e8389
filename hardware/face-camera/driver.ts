import type { Logger } from '../../shared/log.ts';
import { delay } from '../../shared/timeout.ts';
import { HardwareError } from '../errors.ts';
import { FramedDevice, type DeviceState } from '../serial/framed-device.ts';
import type { SerialLink } from '../serial/link.ts';
import {
  CHUNK_BYTES,
  CMD,
  MAX_REFERENCE,
  MIN_REFERENCE,
  NAK_ERRORS,
  REPLY,
  decodeResult,
  decodeStatus,
  encodeCapture,
  encodeChunk,
  encodeU32,
  referenceCrc,
  type CameraStatus,
  type CaptureResult,
} from './protocol.ts';

export interface FaceCameraOptions {
  readonly logger?: Logger;
  /** Time limit of one command (default 200 ms, then one resend). */
  readonly timeoutMs?: number;
  /** How often RESULT is asked while a capture runs (default 50 ms). */
  readonly pollMs?: number;
  /** How long the camera looks for a face (default 3000 ms). */
  readonly windowMs?: number;
  /** Extra time on top of the window before the host gives up and aborts (default 1000 ms). */
  readonly graceMs?: number;
  /** Monotonic milliseconds, for the capture deadline. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * The link as the camera driver writes to it: every frame is zeroed once written, because
 * REF_CHUNK frames carry the face photo (PROTOCOL.md "Privacy"). The framed device never reuses
 * a frame after writing it (a resend encodes a new one), so zeroing afterwards is safe.
 */
function wipingLink(link: SerialLink): SerialLink {
  return {
    get path() {
      return link.path;
    },
    get isOpen() {
      return link.isOpen;
    },
    async write(bytes) {
      try {
        await link.write(bytes);
      } finally {
        bytes.fill(0);
      }
    },
    onData: (listener) => link.onData(listener),
    onClose: (listener) => link.onClose(listener),
    close: () => link.close(),
  };
}

/**
 * Host driver of the face-auth camera (PROTOCOL.md): loads the card's face photo in chunks,
 * runs one capture-and-compare and polls for its result, clears the reference. Every call
 * resolves or rejects with a typed HardwareError within its time limit — `hardware/timeout`
 * (silent camera, or a capture past its deadline, which is then aborted), `hardware/nak` with
 * `details.code` (busy 3, camera fault 4, no reference 5, …), `hardware/port-closed` — and
 * `state` says whether the camera is reachable.
 */
export class FaceCamera {
  private readonly device: FramedDevice;
  private readonly o: Required<Omit<FaceCameraOptions, 'logger' | 'timeoutMs'>>;

  constructor(link: SerialLink, options: FaceCameraOptions = {}) {
    this.device = new FramedDevice(wipingLink(link), {
      name: 'face camera',
      nakErrors: NAK_ERRORS,
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
    this.o = {
      pollMs: options.pollMs ?? 50,
      windowMs: options.windowMs ?? 3000,
      graceMs: options.graceMs ?? 1000,
      now: options.now ?? (() => performance.now()),
      sleep: options.sleep ?? delay,
    };
  }

  get state(): DeviceState {
    return this.device.state;
  }

  onState(listener: (state: DeviceState) => void): () => void {
    return this.device.onState(listener);
  }

  async status(): Promise<CameraStatus> {
    return decodeStatus(await this.device.expect(CMD.PING, REPLY.STATUS));
  }

  /**
   * Uploads `image` (JP2 bytes) as the reference. The driver keeps no copy: each chunk's
   * buffer and frame are zeroed once sent; the caller zeroes `image` itself.
   */
  async loadReference(image: Uint8Array): Promise<void> {
    if (image.length < MIN_REFERENCE || image.length > MAX_REFERENCE) {
      throw new HardwareError('hardware/frame-invalid', `a reference of ${image.length} bytes`, {
        details: { bytes: image.length },
      });
    }
    await this.expectAck(CMD.REF_BEGIN, encodeU32(image.length));
    for (let offset = 0; offset < image.length; offset += CHUNK_BYTES) {
      const chunk = encodeChunk(offset, image.subarray(offset, offset + CHUNK_BYTES));
      try {
        await this.expectAck(CMD.REF_CHUNK, chunk);
      } finally {
        chunk.fill(0);
      }
    }
    await this.expectAck(CMD.REF_END, encodeU32(referenceCrc(image)));
  }

  async clearReference(): Promise<void> {
    await this.expectAck(CMD.REF_CLEAR);
  }

  /**
   * One capture-and-compare against the loaded reference. Resolves with the camera's result,
   * whatever its outcome (no face, several faces, …: the caller decides); rejects when the
   * camera refuses (busy, no reference, fault), stops answering, or has no result by the
   * deadline (the window plus the grace time: the capture is then aborted).
   */
  async captureAndMatch(windowMs = this.o.windowMs): Promise<CaptureResult> {
    await this.expectAck(CMD.CAPTURE, encodeCapture(windowMs));
    const deadline = this.o.now() + windowMs + this.o.graceMs;
    for (;;) {
      const reply = await this.device.request(CMD.RESULT);
      if (reply.cmd === REPLY.RESULT) return decodeResult(reply.payload);
      if (reply.cmd !== REPLY.PENDING)
        throw new HardwareError('hardware/unexpected-reply', `RESULT answered with ${reply.cmd}`);
      if (this.o.now() >= deadline) {
        await this.device.request(CMD.ABORT).catch(() => undefined);
        throw new HardwareError('hardware/timeout', `no capture result within ${windowMs} ms`, {
          details: { windowMs },
        });
      }
      await this.o.sleep(this.o.pollMs);
    }
  }

  close(): Promise<void> {
    return this.device.close();
  }

  private async expectAck(cmd: number, payload?: Uint8Array): Promise<void> {
    await this.device.expect(cmd, REPLY.ACK, payload);
  }
}
