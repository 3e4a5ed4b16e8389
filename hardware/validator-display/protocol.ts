import { HardwareError } from '../errors.ts';

/** The validator display's commands and replies (PROTOCOL.md). Pure. */
export const CMD = {
  PING: 0x01,
  SHOW: 0x10,
  CLEAR: 0x11,
  LED: 0x20,
  BEEP: 0x30,
} as const;

export const REPLY = { ACK: 0x80, STATUS: 0x81, NAK: 0x8f } as const;

export const LED_COLOURS = ['off', 'green', 'amber', 'red', 'blue'] as const;
export type LedColour = (typeof LED_COLOURS)[number];
export const BEEPS = { accept: 1, notice: 2, refuse: 3 } as const;
export type BeepPattern = keyof typeof BEEPS;
export const NAK_ERRORS: Readonly<Record<number, string>> = {
  1: 'unknown command',
  2: 'bad payload',
  3: 'busy',
  4: 'hardware fault',
};

export const MAX_LINE_BYTES = 48;
const UTF8 = new TextEncoder();
const UTF8_DECODE = new TextDecoder('utf-8', { fatal: true });

export interface ShowPayload {
  readonly lines: readonly [string, string];
  readonly emphasised: boolean;
}

/** Cuts a line to at most MAX_LINE_BYTES of UTF-8 without splitting a character. */
export function fitLine(text: string): Uint8Array {
  let bytes = UTF8.encode(text);
  if (bytes.length <= MAX_LINE_BYTES) return bytes;
  const chars = [...text];
  while (bytes.length > MAX_LINE_BYTES && chars.length > 0) {
    chars.pop();
    bytes = UTF8.encode(chars.join(''));
  }
  return bytes;
}

export function encodeShow(p: ShowPayload): Uint8Array {
  const a = fitLine(p.lines[0]);
  const b = fitLine(p.lines[1]);
  return Uint8Array.from([p.emphasised ? 1 : 0, a.length, ...a, b.length, ...b]);
}

export function decodeShow(payload: Uint8Array): ShowPayload {
  const bad = (): HardwareError =>
    new HardwareError('hardware/frame-invalid', 'SHOW payload is malformed');
  if (payload.length < 3) throw bad();
  const style = payload[0] as number;
  const la = payload[1] as number;
  if (style > 1 || la > MAX_LINE_BYTES || payload.length < 2 + la + 1) throw bad();
  const lb = payload[2 + la] as number;
  if (lb > MAX_LINE_BYTES || payload.length !== 3 + la + lb) throw bad();
  try {
    return {
      emphasised: style === 1,
      lines: [
        UTF8_DECODE.decode(payload.subarray(2, 2 + la)),
        UTF8_DECODE.decode(payload.subarray(3 + la)),
      ],
    };
  } catch {
    throw bad();
  }
}

export interface LedPayload {
  readonly colour: LedColour;
  readonly blink: boolean;
  readonly durationMs: number;
}

export function encodeLed(p: LedPayload): Uint8Array {
  const d = Math.max(0, Math.min(0xffff, Math.round(p.durationMs)));
  return Uint8Array.of(LED_COLOURS.indexOf(p.colour), p.blink ? 1 : 0, d >> 8, d & 0xff);
}

export function decodeLed(payload: Uint8Array): LedPayload {
  const colour = LED_COLOURS[payload[0] ?? 255];
  if (payload.length !== 4 || !colour || (payload[1] as number) > 1) {
    throw new HardwareError('hardware/frame-invalid', 'LED payload is malformed');
  }
  return {
    colour,
    blink: payload[1] === 1,
    durationMs: ((payload[2] as number) << 8) | (payload[3] as number),
  };
}

export function decodeBeep(payload: Uint8Array): BeepPattern {
  const found = (Object.keys(BEEPS) as BeepPattern[]).find((k) => BEEPS[k] === payload[0]);
  if (payload.length !== 1 || !found)
    throw new HardwareError('hardware/frame-invalid', 'BEEP payload is malformed');
  return found;
}

export interface DisplayStatus {
  readonly displayOk: boolean;
  readonly ledOk: boolean;
  readonly buzzerOk: boolean;
  readonly firmware: string;
}

export function encodeStatus(s: DisplayStatus): Uint8Array {
  const [major, minor] = s.firmware.split('.').map((n) => Number(n) & 0xff);
  return Uint8Array.of(
    (s.displayOk ? 1 : 0) | (s.ledOk ? 2 : 0) | (s.buzzerOk ? 4 : 0),
    major ?? 0,
    minor ?? 0,
  );
}

export function decodeStatus(payload: Uint8Array): DisplayStatus {
  if (payload.length !== 3)
    throw new HardwareError('hardware/frame-invalid', 'STATUS payload is malformed');
  const f = payload[0] as number;
  return {
    displayOk: (f & 1) !== 0,
    ledOk: (f & 2) !== 0,
    buzzerOk: (f & 4) !== 0,
    firmware: `${payload[1]}.${payload[2]}`,
  };
}
