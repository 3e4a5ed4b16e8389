import { crc32 } from 'node:zlib';
import { JP2_SIGNATURE } from '../../shared/jp2.ts';
import { HardwareError } from '../errors.ts';
import { MAX_PAYLOAD } from '../serial/frame.ts';

/** The face-auth camera's commands, replies and payloads (PROTOCOL.md). Pure. */
export const CMD = {
  PING: 0x01,
  REF_BEGIN: 0x10,
  REF_CHUNK: 0x11,
  REF_END: 0x12,
  REF_CLEAR: 0x13,
  CAPTURE: 0x20,
  RESULT: 0x21,
  ABORT: 0x22,
} as const;

export const REPLY = { ACK: 0x80, STATUS: 0x81, PENDING: 0x82, RESULT: 0x83, NAK: 0x8f } as const;

export const NAK = {
  UNKNOWN_COMMAND: 1,
  BAD_PAYLOAD: 2,
  BUSY: 3,
  CAMERA_FAULT: 4,
  NO_REFERENCE: 5,
  REFERENCE_INVALID: 6,
  OUT_OF_SEQUENCE: 7,
  NOTHING_TO_REPORT: 8,
} as const;

export const NAK_ERRORS: Readonly<Record<number, string>> = {
  [NAK.UNKNOWN_COMMAND]: 'unknown command',
  [NAK.BAD_PAYLOAD]: 'bad payload',
  [NAK.BUSY]: 'busy',
  [NAK.CAMERA_FAULT]: 'camera fault',
  [NAK.NO_REFERENCE]: 'no reference loaded',
  [NAK.REFERENCE_INVALID]: 'reference invalid',
  [NAK.OUT_OF_SEQUENCE]: 'chunk out of sequence',
  [NAK.NOTHING_TO_REPORT]: 'nothing to report',
};

/** RESULT outcomes, by their byte (PROTOCOL.md "Replies"). */
export const OUTCOMES = [
  'compared',
  'no-face',
  'multiple-faces',
  'camera-fault',
  'window-elapsed',
  'aborted',
] as const;
export type CaptureOutcome = (typeof OUTCOMES)[number];

export const MIN_REFERENCE = JP2_SIGNATURE.length;
export const MAX_REFERENCE = 65536;
/** Image bytes per REF_CHUNK: the frame's payload limit less the 4-byte offset, rounded down. */
export const CHUNK_BYTES = Math.floor((MAX_PAYLOAD - 4) / 8) * 8;
export const MIN_WINDOW_MS = 500;
export const MAX_WINDOW_MS = 10_000;
/** The score's scale: 1000 is a perfect match. */
export const SCORE_SCALE = 1000;

function bad(what: string): HardwareError {
  return new HardwareError('hardware/frame-invalid', `${what} payload is malformed`);
}

function u32(bytes: Uint8Array, at: number): number {
  return (
    (((bytes[at] as number) << 24) |
      ((bytes[at + 1] as number) << 16) |
      ((bytes[at + 2] as number) << 8) |
      (bytes[at + 3] as number)) >>>
    0
  );
}

function putU32(out: Uint8Array, at: number, value: number): void {
  out[at] = (value >>> 24) & 0xff;
  out[at + 1] = (value >>> 16) & 0xff;
  out[at + 2] = (value >>> 8) & 0xff;
  out[at + 3] = value & 0xff;
}

export function encodeU32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  putU32(out, 0, value);
  return out;
}

/** A 4-byte payload (REF_BEGIN's length, REF_END's CRC). */
export function decodeU32(payload: Uint8Array, what: string): number {
  if (payload.length !== 4) throw bad(what);
  return u32(payload, 0);
}

export function referenceCrc(image: Uint8Array): number {
  return crc32(image) >>> 0;
}

/** REF_CHUNK's payload: a new buffer the caller zeroes after sending (it holds image bytes). */
export function encodeChunk(offset: number, data: Uint8Array): Uint8Array {
  if (data.length < 1 || data.length > CHUNK_BYTES) throw bad('REF_CHUNK');
  const out = new Uint8Array(4 + data.length);
  putU32(out, 0, offset);
  out.set(data, 4);
  return out;
}

export function decodeChunk(payload: Uint8Array): { offset: number; data: Uint8Array } {
  if (payload.length < 5 || payload.length > 4 + CHUNK_BYTES) throw bad('REF_CHUNK');
  return { offset: u32(payload, 0), data: payload.subarray(4) };
}

export function encodeCapture(windowMs: number): Uint8Array {
  const w = Math.round(windowMs);
  if (!Number.isFinite(w) || w < MIN_WINDOW_MS || w > MAX_WINDOW_MS) throw bad('CAPTURE');
  return Uint8Array.of(w >> 8, w & 0xff);
}

export function decodeCapture(payload: Uint8Array): number {
  if (payload.length !== 2) throw bad('CAPTURE');
  const w = ((payload[0] as number) << 8) | (payload[1] as number);
  if (w < MIN_WINDOW_MS || w > MAX_WINDOW_MS) throw bad('CAPTURE');
  return w;
}

export interface CaptureResult {
  readonly outcome: CaptureOutcome;
  /** 0–1000; meaningful only when `outcome` is 'compared'. */
  readonly score: number;
  readonly live: boolean;
  readonly faces: number;
}

export function encodeResult(r: CaptureResult): Uint8Array {
  const compared = r.outcome === 'compared';
  const score = compared ? Math.max(0, Math.min(SCORE_SCALE, Math.round(r.score))) : 0;
  return Uint8Array.of(
    OUTCOMES.indexOf(r.outcome),
    score >> 8,
    score & 0xff,
    compared && r.live ? 1 : 0,
    Math.max(0, Math.min(255, Math.round(r.faces))),
  );
}

export function decodeResult(payload: Uint8Array): CaptureResult {
  const outcome = OUTCOMES[payload[0] ?? 255];
  if (payload.length !== 5 || !outcome) throw bad('RESULT');
  const score = ((payload[1] as number) << 8) | (payload[2] as number);
  const live = payload[3] as number;
  if (score > SCORE_SCALE || live > 1) throw bad('RESULT');
  if (outcome !== 'compared' && (score !== 0 || live !== 0)) throw bad('RESULT');
  return { outcome, score, live: live === 1, faces: payload[4] as number };
}

export interface CameraStatus {
  readonly cameraOk: boolean;
  readonly referenceLoaded: boolean;
  readonly capturing: boolean;
  readonly firmware: string;
}

export function encodeStatus(s: CameraStatus): Uint8Array {
  const version = /^(\d{1,3})\.(\d{1,3})$/.exec(s.firmware);
  const flags = (s.cameraOk ? 1 : 0) | (s.referenceLoaded ? 2 : 0) | (s.capturing ? 4 : 0);
  return Uint8Array.of(flags, Number(version?.[1] ?? 0) & 0xff, Number(version?.[2] ?? 0) & 0xff);
}

export function decodeStatus(payload: Uint8Array): CameraStatus {
  if (payload.length !== 3 || (payload[0] as number) > 7) throw bad('STATUS');
  const f = payload[0] as number;
  return {
    cameraOk: (f & 1) !== 0,
    referenceLoaded: (f & 2) !== 0,
    capturing: (f & 4) !== 0,
    firmware: `${payload[1]}.${payload[2]}`,
  };
}
