import { ReaderError } from '../errors.ts';

/**
 * A command APDU as data (style.md rule 6). Builders in each application module return these;
 * `encodeCommand` is the only place that turns them into bytes.
 *
 * `le` is the number of response data bytes expected: 1..256 in a short APDU (256 is sent as
 * 00), up to 65536 in an extended one; absent means no Le field (ISO/IEC 7816-4 §5.1 cases 1/3).
 */
export interface CommandApdu {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly data?: Uint8Array;
  readonly le?: number;
  /** The data field is a secret (PIN, 照合番号): traces and transcripts mask it. */
  readonly secret?: boolean;
  /** A short label for traces and errors, e.g. "SELECT text AP". */
  readonly label?: string;
}

export type ApduLengthMode = 'short' | 'extended' | 'auto';

const SHORT_MAX_DATA = 255;
const SHORT_MAX_LE = 256;
const EXTENDED_MAX_DATA = 65535;
const EXTENDED_MAX_LE = 65536;

function checkByte(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) {
    throw new ReaderError('reader/apdu-invalid', `${name} must be a byte, got ${value}`);
  }
}

/**
 * Encodes a command APDU (ISO/IEC 7816-3 §12.1.3, 7816-4 §5.1). Short form unless the data or
 * Le do not fit, when `mode` is 'auto'; 'short' refuses what does not fit.
 */
export function encodeCommand(cmd: CommandApdu, mode: ApduLengthMode = 'short'): Uint8Array {
  checkByte('CLA', cmd.cla);
  checkByte('INS', cmd.ins);
  checkByte('P1', cmd.p1);
  checkByte('P2', cmd.p2);
  const data = cmd.data ?? new Uint8Array(0);
  const le = cmd.le;
  if (le !== undefined && (!Number.isInteger(le) || le < 1 || le > EXTENDED_MAX_LE)) {
    throw new ReaderError('reader/apdu-invalid', `Le must be 1..65536, got ${le}`);
  }
  if (data.length > EXTENDED_MAX_DATA) {
    throw new ReaderError('reader/apdu-invalid', `data of ${data.length} bytes is too long`);
  }
  const fitsShort = data.length <= SHORT_MAX_DATA && (le === undefined || le <= SHORT_MAX_LE);
  if (mode === 'short' && !fitsShort) {
    throw new ReaderError(
      'reader/apdu-invalid',
      `command needs an extended APDU (data ${data.length}, Le ${le ?? '-'}) but short was required`,
    );
  }
  const extended = mode === 'extended' || !fitsShort;
  const header = [cmd.cla, cmd.ins, cmd.p1, cmd.p2];
  const out: number[] = header;
  if (!extended) {
    if (data.length > 0) out.push(data.length, ...data);
    if (le !== undefined) out.push(le === SHORT_MAX_LE ? 0 : le);
    return Uint8Array.from(out);
  }
  if (data.length > 0) {
    out.push(0, data.length >> 8, data.length & 0xff, ...data);
    if (le !== undefined) {
      const l = le === EXTENDED_MAX_LE ? 0 : le;
      out.push(l >> 8, l & 0xff);
    }
  } else if (le !== undefined) {
    const l = le === EXTENDED_MAX_LE ? 0 : le;
    out.push(0, l >> 8, l & 0xff);
  }
  return Uint8Array.from(out);
}

/**
 * Decodes command bytes back into a CommandApdu (what a card simulator receives). Follows the
 * case analysis of ISO/IEC 7816-3 §12.1.3; anything else is `reader/apdu-invalid`.
 */
export function decodeCommand(bytes: Uint8Array): CommandApdu & { readonly extended: boolean } {
  if (bytes.length < 4) {
    throw new ReaderError(
      'reader/apdu-invalid',
      `a command needs 4 header bytes, got ${bytes.length}`,
    );
  }
  const [cla, ins, p1, p2] = bytes as unknown as [number, number, number, number];
  const body = bytes.subarray(4);
  const head = { cla, ins, p1, p2 };
  if (body.length === 0) return { ...head, extended: false }; // case 1
  if (body.length === 1)
    return { ...head, le: body[0] === 0 ? 256 : (body[0] as number), extended: false }; // 2S
  const b1 = body[0] as number;
  if (b1 !== 0) {
    // short case 3 or 4
    if (body.length === 1 + b1) return { ...head, data: body.slice(1), extended: false };
    if (body.length === 2 + b1) {
      const le = body[1 + b1] as number;
      return { ...head, data: body.slice(1, 1 + b1), le: le === 0 ? 256 : le, extended: false };
    }
    throw new ReaderError(
      'reader/apdu-invalid',
      `Lc ${b1} does not match ${body.length - 1} body bytes`,
    );
  }
  // b1 = 0: extended length
  if (body.length === 3) {
    const l = ((body[1] as number) << 8) | (body[2] as number);
    return { ...head, le: l === 0 ? 65536 : l, extended: true }; // 2E
  }
  if (body.length < 3) throw new ReaderError('reader/apdu-invalid', 'truncated extended length');
  const lc = ((body[1] as number) << 8) | (body[2] as number);
  if (lc === 0) throw new ReaderError('reader/apdu-invalid', 'extended Lc of zero');
  if (body.length === 3 + lc) return { ...head, data: body.slice(3, 3 + lc), extended: true }; // 3E
  if (body.length === 5 + lc) {
    const l = ((body[3 + lc] as number) << 8) | (body[4 + lc] as number);
    return { ...head, data: body.slice(3, 3 + lc), le: l === 0 ? 65536 : l, extended: true }; // 4E
  }
  throw new ReaderError(
    'reader/apdu-invalid',
    `extended Lc ${lc} does not match ${body.length - 3} body bytes`,
  );
}

/** decodeCommand for a card simulator: undefined where a card would answer 6700. */
export function tryDecodeCommand(
  bytes: Uint8Array,
): (CommandApdu & { readonly extended: boolean }) | undefined {
  try {
    return decodeCommand(bytes);
  } catch {
    return undefined;
  }
}
