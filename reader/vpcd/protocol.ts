import { ReaderError } from '../errors.ts';

/**
 * The vpcd protocol (vsmartcard, "Creating a virtual smart card"): pcscd's vpcd driver and a
 * virtual card exchange frames of a 2-byte big-endian length and a payload. A 1-byte payload
 * from vpcd is a control message; anything longer is a command APDU. The card answers APDUs
 * and the ATR request; power off/on and reset get no answer.
 */
export const VPCD_CTRL = { OFF: 0x00, ON: 0x01, RESET: 0x02, ATR: 0x04 } as const;

export type VpcdMessage =
  | { readonly type: 'power-off' }
  | { readonly type: 'power-on' }
  | { readonly type: 'reset' }
  | { readonly type: 'atr' }
  | { readonly type: 'control'; readonly value: number }
  | { readonly type: 'apdu'; readonly bytes: Uint8Array };

const MAX_PAYLOAD = 0xffff;

export function encodeVpcdFrame(payload: Uint8Array): Uint8Array {
  if (payload.length > MAX_PAYLOAD) {
    throw new ReaderError(
      'reader/vpcd-protocol',
      `a vpcd frame holds at most ${MAX_PAYLOAD} bytes`,
    );
  }
  const out = new Uint8Array(payload.length + 2);
  out[0] = payload.length >> 8;
  out[1] = payload.length & 0xff;
  out.set(payload, 2);
  return out;
}

function classify(payload: Uint8Array): VpcdMessage {
  if (payload.length !== 1) return { type: 'apdu', bytes: payload };
  const value = payload[0] as number;
  switch (value) {
    case VPCD_CTRL.OFF:
      return { type: 'power-off' };
    case VPCD_CTRL.ON:
      return { type: 'power-on' };
    case VPCD_CTRL.RESET:
      return { type: 'reset' };
    case VPCD_CTRL.ATR:
      return { type: 'atr' };
    default:
      return { type: 'control', value };
  }
}

/**
 * Reassembles frames from TCP chunks, whatever their boundaries. A zero-length frame is a
 * protocol error (vpcd never sends one); the connection should then be dropped.
 */
export class VpcdDecoder {
  private buffer = new Uint8Array(0);

  push(chunk: Uint8Array): VpcdMessage[] {
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer, 0);
    joined.set(chunk, this.buffer.length);
    const out: VpcdMessage[] = [];
    let at = 0;
    while (joined.length - at >= 2) {
      const length = ((joined[at] as number) << 8) | (joined[at + 1] as number);
      if (length === 0) throw new ReaderError('reader/vpcd-protocol', 'zero-length vpcd frame');
      if (joined.length - at - 2 < length) break;
      out.push(classify(joined.slice(at + 2, at + 2 + length)));
      at += 2 + length;
    }
    this.buffer = joined.slice(at);
    return out;
  }

  /** Bytes held waiting for the rest of a frame. */
  get pending(): number {
    return this.buffer.length;
  }
}
