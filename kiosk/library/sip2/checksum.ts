/**
 * The SIP2 checksum (SIP2 Guide "Error Detection"; Koha C4/SIP/Sip/Checksum.pm): the 16-bit
 * two's complement of the sum of every byte of the message up to and including `AZ`, written
 * as 4 upper-case hex digits. Over bytes, in the link's charset — a Japanese title makes a
 * checksum over UTF-16 code units wrong (anchors.md §D.1).
 */
import { hex4 } from '../../../shared/bytes.ts';

export function checksumOf(bytes: Uint8Array, end = bytes.length): number {
  let sum = 0;
  for (let i = 0; i < end; i += 1) sum += bytes[i] as number;
  return -sum & 0xffff;
}

export function checksumHex(bytes: Uint8Array, end = bytes.length): string {
  return hex4(checksumOf(bytes, end));
}

/**
 * Whether `frame` (without its CR) ends in a checksum that matches its bytes: the sum of all
 * bytes before the 4 hex digits, plus their value, is 0 modulo 2^16.
 */
export function checksumMatches(frame: Uint8Array, hexDigits: string): boolean {
  const value = Number.parseInt(hexDigits, 16);
  if (!/^[0-9A-Fa-f]{4}$/.test(hexDigits) || Number.isNaN(value)) return false;
  return checksumOf(frame, frame.length - 4) === value;
}
