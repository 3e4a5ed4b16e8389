/**
 * The character set a SIP2 link uses, agreed with the library system (there is no negotiation
 * in SIP2; anchors.md §D.1). Checksums are computed over these bytes, never over UTF-16 code
 * units (the node-sip2 pitfall). Decoding is strict: bytes that are not text in the charset
 * are an error, not U+FFFD, because the checksum already vouched for them.
 */
import { decodeShiftJis, encodeShiftJis } from '../../../shared/shift-jis.ts';
import { LibraryError } from '../errors.ts';

export const SIP2_CHARSETS = ['utf-8', 'shift_jis'] as const;
export type Sip2Charset = (typeof SIP2_CHARSETS)[number];

const utf8 = new TextEncoder();
/** A UTF-16 surrogate with no partner: TextEncoder would silently turn it into U+FFFD. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeText(text: string, charset: Sip2Charset): Uint8Array {
  if (charset === 'utf-8') {
    if (LONE_SURROGATE.test(text)) {
      throw new LibraryError('library/sip2-charset', 'text with a lone surrogate', {
        details: { charset },
      });
    }
    return utf8.encode(text);
  }
  const r = encodeShiftJis(text);
  if (!r.ok) {
    // Only the position: the character may belong to a name or a password.
    throw new LibraryError('library/sip2-charset', 'a character with no Shift_JIS code', {
      details: { charset, at: r.at },
    });
  }
  return r.bytes;
}

export function decodeText(bytes: Uint8Array, charset: Sip2Charset): string {
  let text: string | undefined;
  if (charset === 'utf-8') {
    try {
      text = utf8Decoder.decode(bytes);
    } catch {
      text = undefined;
    }
  } else {
    text = decodeShiftJis(bytes, true);
  }
  if (text === undefined) {
    throw new LibraryError('library/sip2-charset', `bytes that are not ${charset} text`, {
      details: { charset, bytes: bytes.length },
    });
  }
  return text;
}
