/**
 * SIP2 messages to bytes and back, driven by the table in messages.ts. Pure. Encoding is
 * strict (a value the wire cannot carry is an error, never silently changed); decoding is
 * strict about framing, checksums, fixed fields and required fields, and keeps field ids it
 * does not know in `extra` rather than failing on them (SIP2 systems add their own).
 */
import { concatBytes } from '../../../shared/bytes.ts';
import { LibraryError } from '../errors.ts';
import { decodeText, encodeText, type Sip2Charset } from './charset.ts';
import { checksumHex, checksumMatches } from './checksum.ts';
import {
  CHECKSUM_HEX_DIGITS,
  CHECKSUM_ID,
  DATE_WIDTH,
  FIELD_DELIMITER,
  SEQUENCE_ID,
  SEQUENCE_MODULUS,
  TERMINATOR,
} from './constants.ts';
import {
  MESSAGES,
  isMessageCode,
  type AnyMessage,
  type ExtraField,
  type FieldSpec,
  type FixedKind,
  type MessageCode,
  type MessageSpec,
} from './messages.ts';

export interface EncodeOptions {
  readonly charset: Sip2Charset;
  /** 0–9: adds `AY<n>AZ<checksum>` (error detection). Undefined: neither. */
  readonly sequence?: number | undefined;
  /** A checksum without a sequence number (96 and 97 carry only AZ). */
  readonly checksumOnly?: boolean;
}

export interface DecodeOptions {
  readonly charset: Sip2Charset;
  /** Error detection agreed with the library system: a frame without AZ is refused. */
  readonly requireChecksum: boolean;
}

export interface DecodedFrame {
  readonly message: AnyMessage;
  readonly sequence: number | undefined;
  readonly checksum: 'valid' | 'absent';
}

const DATE_CHARS = /^(\d{8}[ 0-9A-Z]{4}\d{6}| {18})$/;
const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const AZ = ascii(CHECKSUM_ID);
const CR = Uint8Array.of(TERMINATOR);

function malformed(message: string, details: Record<string, unknown>): LibraryError {
  return new LibraryError('library/sip2-malformed', message, { details });
}

/** Field id → [property name, spec], per command, built once from the table. */
const BY_ID: ReadonlyMap<string, ReadonlyMap<string, readonly [string, FieldSpec]>> = new Map(
  Object.entries(MESSAGES).map(([code, spec]: [string, MessageSpec]) => [
    code,
    new Map(Object.entries(spec.fields).map(([name, f]) => [f.id, [name, f] as const])),
  ]),
);

function encodeFixed(code: string, name: string, kind: FixedKind, value: unknown): string {
  const bad = (): LibraryError =>
    malformed(`${code} ${name}: not a valid fixed-field value`, { code, field: name });
  switch (kind.kind) {
    case 'flag':
      if (typeof value !== 'boolean') throw bad();
      return value ? 'Y' : 'N';
    case 'bit':
      if (typeof value !== 'boolean') throw bad();
      return value ? '1' : '0';
    case 'tri':
      if (value !== 'Y' && value !== 'N' && value !== 'U') throw bad();
      return value;
    case 'date':
      if (typeof value !== 'string' || !DATE_CHARS.test(value)) throw bad();
      return value;
    case 'count': {
      if (value === null) return ' '.repeat(kind.width);
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw bad();
      const digits = String(value);
      if (digits.length > kind.width) throw bad();
      return digits.padStart(kind.width, '0');
    }
    case 'text':
      if (typeof value !== 'string' || !kind.chars.test(value)) throw bad();
      return value;
  }
}

function checkValue(code: string, id: string, value: unknown): string {
  if (typeof value !== 'string' || /[|\r\n]/.test(value)) {
    throw malformed(`${code} field ${id}: a value must be text without | or line breaks`, {
      code,
      field: id,
    });
  }
  return value;
}

export function encodeMessage(message: AnyMessage, options: EncodeOptions): Uint8Array {
  const spec: MessageSpec = MESSAGES[message.code];
  const values = message as unknown as Readonly<Record<string, unknown>>;
  let text = message.code;
  for (const [name, kind] of spec.fixed) {
    text += encodeFixed(message.code, name, kind, values[name]);
  }
  for (const [name, field] of Object.entries(spec.fields)) {
    const value = values[name];
    if (value === undefined) {
      if (field.required) {
        throw malformed(`${message.code} needs field ${field.id} (${name})`, {
          code: message.code,
          field: field.id,
        });
      }
      continue;
    }
    const list = field.repeat && Array.isArray(value) ? (value as readonly unknown[]) : [value];
    for (const v of list)
      text += field.id + checkValue(message.code, field.id, v) + FIELD_DELIMITER;
  }
  for (const [id, value] of message.extra ?? []) {
    if (!/^[A-Z0-9]{2}$/i.test(id)) throw malformed(`bad field id`, { code: message.code });
    text += id + checkValue(message.code, id, value) + FIELD_DELIMITER;
  }
  const body = encodeText(text, options.charset);
  const seq = options.sequence;
  if (seq === undefined && !options.checksumOnly) return concatBytes(body, CR);
  if (seq !== undefined && (!Number.isInteger(seq) || seq < 0 || seq >= SEQUENCE_MODULUS)) {
    throw malformed('sequence numbers are 0–9', { code: message.code });
  }
  const head = concatBytes(body, ascii(seq === undefined ? '' : `${SEQUENCE_ID}${seq}`), AZ);
  return concatBytes(head, ascii(checksumHex(head)), CR);
}

function decodeFixed(
  code: string,
  name: string,
  kind: FixedKind,
  raw: string,
): boolean | string | number | null {
  const bad = (): LibraryError =>
    malformed(`${code} ${name}: ${JSON.stringify(raw)} is not valid`, { code, field: name });
  switch (kind.kind) {
    case 'flag':
      if (raw === 'Y' || raw === 'N') return raw === 'Y';
      throw bad();
    case 'bit':
      if (raw === '1' || raw === '0') return raw === '1';
      throw bad();
    case 'tri':
      if (raw === 'Y' || raw === 'N' || raw === 'U') return raw;
      throw bad();
    case 'date':
      if (DATE_CHARS.test(raw)) return raw;
      throw bad();
    case 'count':
      if (raw.trim() === '') return null;
      // The SIP2 Guide's own example pads with blanks (`990 402.00`): " 40" is 40.
      if (/^ *\d+ *$/.test(raw)) return Number(raw.trim());
      throw bad();
    case 'text':
      if (kind.chars.test(raw)) return raw;
      throw bad();
  }
}

function widthOf(kind: FixedKind): number {
  switch (kind.kind) {
    case 'flag':
    case 'bit':
    case 'tri':
      return 1;
    case 'date':
      return DATE_WIDTH;
    case 'count':
    case 'text':
      return kind.width;
  }
}

const isHexDigit = (b: number | undefined): boolean =>
  b !== undefined &&
  ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66));

/** Where the error-detection tail starts, with the sequence number and checksum state. */
function splitTail(
  frame: Uint8Array,
  requireChecksum: boolean,
): { end: number; sequence: number | undefined; checksum: 'valid' | 'absent' } {
  const n = frame.length;
  const tailAt = n - CHECKSUM_HEX_DIGITS - 2;
  const hasAz =
    tailAt >= 2 &&
    frame[tailAt] === AZ[0] &&
    frame[tailAt + 1] === AZ[1] &&
    [1, 2, 3, 4].every((k) => isHexDigit(frame[tailAt + 1 + k]));
  if (!hasAz) {
    if (requireChecksum) {
      throw new LibraryError('library/sip2-checksum', 'a frame without a checksum', {
        details: { bytes: n },
      });
    }
    return { end: n, sequence: undefined, checksum: 'absent' };
  }
  const digits = String.fromCharCode(...frame.subarray(n - CHECKSUM_HEX_DIGITS));
  if (!checksumMatches(frame, digits)) {
    throw new LibraryError('library/sip2-checksum', 'the checksum does not match the frame', {
      details: { bytes: n },
    });
  }
  const s = frame[tailAt - 1] ?? 0;
  const hasSeq =
    tailAt >= 5 &&
    frame[tailAt - 3] === 0x41 &&
    frame[tailAt - 2] === 0x59 &&
    s >= 0x30 &&
    s <= 0x39;
  return hasSeq
    ? { end: tailAt - 3, sequence: s - 0x30, checksum: 'valid' }
    : { end: tailAt, sequence: undefined, checksum: 'valid' };
}

/** One frame (the bytes before its CR) to a message. Throws only LibraryErrors. */
export function decodeFrame(frame: Uint8Array, options: DecodeOptions): DecodedFrame {
  const { end, sequence, checksum } = splitTail(frame, options.requireChecksum);
  const text = decodeText(frame.subarray(0, end), options.charset);
  const code = text.slice(0, 2);
  if (!isMessageCode(code)) {
    throw malformed('not a SIP2 command this terminal knows', {
      command: /^\d\d$/.test(code) ? code : '??',
    });
  }
  const spec: MessageSpec = MESSAGES[code];
  const out: Record<string, unknown> = { code };
  let at = 2;
  for (const [name, kind] of spec.fixed) {
    const width = widthOf(kind);
    if (at + width > text.length) {
      throw malformed(`${code} is too short for its fixed fields`, { code, field: name });
    }
    out[name] = decodeFixed(code, name, kind, text.slice(at, at + width));
    at += width;
  }
  const extra: ExtraField[] = [];
  const ids = BY_ID.get(code);
  const rest = text.slice(at);
  const pieces = rest === '' ? [] : rest.split(FIELD_DELIMITER);
  if (pieces.at(-1) === '') pieces.pop();
  for (const piece of pieces) {
    if (piece === '') continue;
    if (piece.length < 2 || piece.charCodeAt(0) < 0x20 || piece.charCodeAt(1) < 0x20) {
      throw malformed(`${code}: a variable field without an id`, { code, offset: at });
    }
    const id = piece.slice(0, 2);
    const value = piece.slice(2);
    const known = ids?.get(id);
    if (!known) extra.push([id, value]);
    else if (known[1].repeat) ((out[known[0]] ??= []) as string[]).push(value);
    else if (out[known[0]] === undefined) out[known[0]] = value;
    else extra.push([id, value]);
  }
  for (const [name, field] of Object.entries(spec.fields)) {
    if (field.required && out[name] === undefined) {
      throw malformed(`${code} lacks its required field ${field.id}`, { code, field: field.id });
    }
  }
  if (extra.length > 0) out['extra'] = extra;
  return { message: out as AnyMessage, sequence, checksum };
}

/** The command a message is (for logs: never log a message's fields, they hold names). */
export function describe(code: MessageCode): string {
  return `${code} ${MESSAGES[code].name}`;
}
