import { hex2 } from '../../shared/bytes.ts';
import { ReaderError, TlvIncompleteError } from '../errors.ts';

/**
 * BER-TLV as the card uses it (ISO/IEC 7816-4 §5.2, X.690 §8.1). Strict and tag-addressed
 * (style.md rule 7): a tag is the big-endian number of its tag bytes (0xFF20, 0xDF21, 0x7F21);
 * lengths are definite; incomplete input reports how many bytes are missing so a reader can
 * size its next READ BINARY; anything else is `reader/tlv-invalid`.
 */
export interface Tlv {
  readonly tag: number;
  readonly constructed: boolean;
  /** Header (tag + length) size in bytes. */
  readonly headerLength: number;
  /** Value length in bytes. */
  readonly length: number;
  readonly value: Uint8Array;
  /** Header and value: the bytes a signature or digest covers "header included". */
  readonly raw: Uint8Array;
  /** Offset of the first header byte in the buffer that was parsed. */
  readonly offset: number;
}

export interface TlvHeader {
  readonly tag: number;
  readonly constructed: boolean;
  readonly headerLength: number;
  readonly length: number;
}

const MAX_TAG_BYTES = 4;
const MAX_LENGTH_BYTES = 4;

export function tagToString(tag: number): string {
  return tag
    .toString(16)
    .toUpperCase()
    .padStart(tag > 0xff ? 4 : 2, '0');
}

function invalid(message: string, offset: number): ReaderError {
  return new ReaderError('reader/tlv-invalid', `${message} at offset ${offset}`, {
    details: { offset },
  });
}

/** Parses the tag and length at `offset`. */
export function parseTlvHeader(bytes: Uint8Array, offset = 0): TlvHeader {
  let at = offset;
  if (at >= bytes.length) throw new TlvIncompleteError(1, `header at ${offset}`);
  const first = bytes[at] as number;
  if (first === 0x00) throw invalid('tag 00 (padding) where a tag was expected', at);
  let tag = first;
  at += 1;
  if ((first & 0x1f) === 0x1f) {
    let count = 1;
    for (;;) {
      if (at >= bytes.length) throw new TlvIncompleteError(1, `tag at ${offset}`);
      const b = bytes[at] as number;
      // X.690 §8.1.2.4.2 forbids a leading 0x80 (and 0x00). ISO/IEC 7816-4 also forbids
      // 01..1E here, but the My Number Card uses FF10 and DF11..DF13: the card wins.
      if (count === 1 && (b === 0x00 || b === 0x80)) {
        throw invalid(`second tag byte ${hex2(b)} is not allowed`, at);
      }
      tag = tag * 256 + b;
      at += 1;
      count += 1;
      if ((b & 0x80) === 0) break;
      if (count >= MAX_TAG_BYTES) throw invalid(`tag longer than ${MAX_TAG_BYTES} bytes`, offset);
    }
  }
  if (at >= bytes.length) throw new TlvIncompleteError(1, `length of ${tagToString(tag)}`);
  const l0 = bytes[at] as number;
  at += 1;
  let length: number;
  if (l0 < 0x80) {
    length = l0;
  } else if (l0 === 0x80) {
    throw invalid(`indefinite length for ${tagToString(tag)}`, at - 1);
  } else {
    const n = l0 & 0x7f;
    if (n > MAX_LENGTH_BYTES) throw invalid(`length field of ${n} bytes`, at - 1);
    if (at + n > bytes.length) {
      throw new TlvIncompleteError(at + n - bytes.length, `length of ${tagToString(tag)}`);
    }
    length = 0;
    for (let i = 0; i < n; i += 1) length = length * 256 + (bytes[at + i] as number);
    at += n;
  }
  return { tag, constructed: (first & 0x20) !== 0, headerLength: at - offset, length };
}

/** Parses one TLV at `offset`; its value must be complete. */
export function parseTlv(bytes: Uint8Array, offset = 0): Tlv {
  const h = parseTlvHeader(bytes, offset);
  const start = offset + h.headerLength;
  const end = start + h.length;
  if (end > bytes.length) {
    throw new TlvIncompleteError(end - bytes.length, `value of ${tagToString(h.tag)}`);
  }
  return {
    ...h,
    value: bytes.subarray(start, end),
    raw: bytes.subarray(offset, end),
    offset,
  };
}

/**
 * Total size (header + value) of the TLV that starts `bytes`, from its header alone: how a
 * transparent file holding one TLV is read (7 bytes first, then the rest).
 */
export function tlvTotalLength(bytes: Uint8Array): number {
  const h = parseTlvHeader(bytes, 0);
  return h.headerLength + h.length;
}

/** Parses consecutive TLVs filling `bytes` exactly (the value of a constructed TLV). */
export function parseTlvList(bytes: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  let at = 0;
  while (at < bytes.length) {
    const tlv = parseTlv(bytes, at);
    out.push(tlv);
    at += tlv.raw.length; // at least 2 bytes: the loop always advances
  }
  return out;
}

/** The children of a constructed TLV. */
export function children(tlv: Tlv): Tlv[] {
  if (!tlv.constructed) throw invalid(`${tagToString(tlv.tag)} is primitive`, tlv.offset);
  return parseTlvList(tlv.value);
}

export function findTag(list: readonly Tlv[], tag: number): Tlv | undefined {
  return list.find((t) => t.tag === tag);
}

/** The TLV with `tag`, or `reader/tlv-invalid` naming the missing tag. */
export function requireTag(list: readonly Tlv[], tag: number, context = 'record'): Tlv {
  const found = findTag(list, tag);
  if (!found) {
    throw new ReaderError('reader/tlv-invalid', `${context} has no tag ${tagToString(tag)}`, {
      details: { tag: tagToString(tag) },
    });
  }
  return found;
}

/**
 * Parses `bytes` as exactly the tags listed, in any order, each at most once: a decoder that
 * meets an unexpected or repeated tag refuses the record rather than guess.
 */
export function parseExactTags(
  bytes: Uint8Array,
  allowed: readonly number[],
  context: string,
): Map<number, Tlv> {
  const out = new Map<number, Tlv>();
  for (const tlv of parseTlvList(bytes)) {
    if (!allowed.includes(tlv.tag)) {
      throw invalid(`${context}: unexpected tag ${tagToString(tlv.tag)}`, tlv.offset);
    }
    if (out.has(tlv.tag))
      throw invalid(`${context}: repeated tag ${tagToString(tlv.tag)}`, tlv.offset);
    out.set(tlv.tag, tlv);
  }
  return out;
}

function tagBytes(tag: number): number[] {
  if (!Number.isInteger(tag) || tag <= 0 || tag > 0xffffffff) {
    throw new ReaderError('reader/tlv-invalid', `cannot encode tag ${tag}`);
  }
  const out: number[] = [];
  let t = tag;
  while (t > 0) {
    out.unshift(t & 0xff);
    t = Math.floor(t / 256);
  }
  return out;
}

function lengthBytes(length: number): number[] {
  if (length < 0x80) return [length];
  const out: number[] = [];
  let l = length;
  while (l > 0) {
    out.unshift(l & 0xff);
    l = Math.floor(l / 256);
  }
  return [0x80 | out.length, ...out];
}

/** Encodes one TLV (minimal definite length). Used by simulators and fixture generators. */
export function encodeTlv(tag: number, value: Uint8Array): Uint8Array {
  const head = [...tagBytes(tag), ...lengthBytes(value.length)];
  const out = new Uint8Array(head.length + value.length);
  out.set(head, 0);
  out.set(value, head.length);
  return out;
}
