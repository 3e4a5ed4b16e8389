/**
 * The IPP messages Kazasu sends to CUPS and the responses it reads (RFC 8010 §3), pure. Only
 * what following a job needs: requests with operation attributes, responses as groups of
 * attributes. Collections (begCollection … endCollection) are skipped whole. A response that is
 * not well-formed throws `printing/ipp-malformed` with the offset, never anything else.
 */
import { FIRST_VALUE_TAG, GROUP, IPP_VERSION, STRING_TAGS, VALUE } from './constants.ts';
import { PrintingError } from './errors.ts';

export type IppValue = string | number | boolean | Uint8Array;

export interface IppAttribute {
  readonly tag: number;
  readonly name: string;
  readonly values: readonly IppValue[];
}

export interface IppGroup {
  readonly tag: number;
  readonly attributes: ReadonlyMap<string, IppAttribute>;
}

export interface IppResponse {
  readonly status: number;
  readonly requestId: number;
  readonly groups: readonly IppGroup[];
}

export interface IppRequest {
  readonly operation: number;
  readonly requestId: number;
  /** After attributes-charset and attributes-natural-language, which every request starts with. */
  readonly attributes: readonly IppAttribute[];
}

const utf8 = new TextEncoder();
const UTF8 = new TextDecoder('utf-8', { fatal: false });

function valueBytes(tag: number, v: IppValue): Uint8Array {
  if (typeof v === 'string') return utf8.encode(v);
  if (typeof v === 'boolean') return Uint8Array.of(v ? 1 : 0);
  if (typeof v === 'number') {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, v);
    return b;
  }
  if (tag === VALUE.noValue) return new Uint8Array(0);
  return v;
}

function u16(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}

/** An attribute in wire form: the first value with its name, the rest with an empty one. */
export function encodeAttribute(a: IppAttribute): number[] {
  const out: number[] = [];
  const name = utf8.encode(a.name);
  a.values.forEach((v, i) => {
    const bytes = valueBytes(a.tag, v);
    out.push(
      a.tag,
      ...u16(i === 0 ? name.length : 0),
      ...(i === 0 ? name : []),
      ...u16(bytes.length),
      ...bytes,
    );
  });
  return out;
}

export function encodeRequest(r: IppRequest): Uint8Array {
  const head = [
    IPP_VERSION[0],
    IPP_VERSION[1],
    ...u16(r.operation),
    ...[24, 16, 8, 0].map((s) => (r.requestId >>> s) & 0xff),
  ];
  const attributes = [
    { tag: VALUE.charset, name: 'attributes-charset', values: ['utf-8'] },
    { tag: VALUE.naturalLanguage, name: 'attributes-natural-language', values: ['en'] },
    ...r.attributes,
  ];
  return Uint8Array.from([
    ...head,
    GROUP.operation,
    ...attributes.flatMap(encodeAttribute),
    GROUP.endOfAttributes,
  ]);
}

class Cursor {
  at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  take(n: number, what: string): Uint8Array {
    if (this.at + n > this.bytes.length) {
      throw new PrintingError('printing/ipp-malformed', `the IPP response ends inside ${what}`, {
        details: { offset: this.at, missing: this.at + n - this.bytes.length },
      });
    }
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  u8(what: string): number {
    return this.take(1, what)[0] as number;
  }

  u16(what: string): number {
    const b = this.take(2, what);
    return ((b[0] as number) << 8) | (b[1] as number);
  }
}

function decodeValue(tag: number, bytes: Uint8Array, at: number): IppValue {
  if (tag === VALUE.integer || tag === VALUE.enum) {
    if (bytes.length !== 4) throw malformed(at, `an integer of ${bytes.length} bytes`);
    return new DataView(bytes.buffer, bytes.byteOffset, 4).getInt32(0);
  }
  if (tag === VALUE.boolean) {
    if (bytes.length !== 1) throw malformed(at, `a boolean of ${bytes.length} bytes`);
    return bytes[0] === 1;
  }
  if (STRING_TAGS.has(tag)) return UTF8.decode(bytes);
  return Uint8Array.from(bytes);
}

function malformed(offset: number, what: string): PrintingError {
  return new PrintingError('printing/ipp-malformed', `malformed IPP response: ${what}`, {
    details: { offset },
  });
}

export function decodeResponse(bytes: Uint8Array): IppResponse {
  const c = new Cursor(bytes);
  c.take(2, 'the version');
  const status = c.u16('the status code');
  const head = c.take(4, 'the request id');
  const requestId =
    (((head[0] as number) << 24) |
      ((head[1] as number) << 16) |
      ((head[2] as number) << 8) |
      (head[3] as number)) >>>
    0;
  const groups: {
    tag: number;
    attributes: Map<string, { tag: number; name: string; values: IppValue[] }>;
  }[] = [];
  let group: (typeof groups)[number] | undefined;
  let last: { tag: number; name: string; values: IppValue[] } | undefined;
  let depth = 0; // inside a collection: its members are not attributes of the group
  for (;;) {
    const at = c.at;
    const tag = c.u8('an attribute tag');
    if (tag === GROUP.endOfAttributes && depth === 0) break;
    if (tag < FIRST_VALUE_TAG) {
      if (depth > 0) throw malformed(at, 'a group tag inside a collection');
      group = { tag, attributes: new Map() };
      groups.push(group);
      last = undefined;
      continue;
    }
    const name = UTF8.decode(c.take(c.u16('a name length'), 'an attribute name'));
    const value = c.take(c.u16('a value length'), 'an attribute value');
    if (tag === VALUE.begCollection) {
      depth += 1;
      continue;
    }
    if (tag === VALUE.endCollection) {
      if (depth === 0) throw malformed(at, 'endCollection without begCollection');
      depth -= 1;
      continue;
    }
    if (depth > 0) continue;
    if (!group) throw malformed(at, 'an attribute before any group');
    const decoded = decodeValue(tag, value, at);
    if (name === '') {
      if (!last) throw malformed(at, 'an additional value with no attribute');
      last.values.push(decoded);
    } else {
      last = { tag, name, values: [decoded] };
      group.attributes.set(name, last);
    }
  }
  return { status, requestId, groups };
}

/** The values of `name` in the first group of kind `groupTag` that has it. */
export function attribute(
  r: IppResponse,
  groupTag: number,
  name: string,
): readonly IppValue[] | undefined {
  for (const g of r.groups)
    if (g.tag === groupTag && g.attributes.has(name)) return g.attributes.get(name)?.values;
  return undefined;
}
