import type { KeyObject } from 'node:crypto';
import { bytesEqual, concatBytes } from '../../shared/bytes.ts';
import { ReaderError } from '../errors.ts';
import { CV, JPKI_TOKEN, SIM_CHOICE, TEXT_TAG } from '../mynumber/constants.ts';
import { children, encodeTlv, parseTlv } from '../tlv/ber.ts';
import { parseCvCertificate, sha256 } from '../mynumber/cv-certificate.ts';
import { encodeRsaPublicKey, signPkcs1Sha256 } from './cv-cert.ts';

/**
 * PURE builders of the 券面事項入力補助AP ("text") files and the JPKI token, byte-exact to
 * card-protocols.md "Text AP files" and "Proving the text-AP data is genuine". The surface AP
 * has its own module (mynumber-surface-files.ts). Signatures are PKCS#1 v1.5 and therefore
 * deterministic: the same holder data and keys always give the same files.
 */

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
const utf8 = ascii;

/** 'YYYY-MM-DD' → the card's 'YYYYMMDD' bytes (Gregorian, card-protocols.md DF24). */
export function cardDate(isoDate: string): Uint8Array {
  return ascii(isoDate.replaceAll('-', ''));
}

/** Bytes of a BER length field for `length` (X.690 §8.1.3, minimal form). */
function lengthFieldSize(length: number): number {
  if (length < 0x80) return 1;
  let bytes = 0;
  for (let l = length; l > 0; l = Math.floor(l / 256)) bytes += 1;
  return 1 + bytes;
}

const OFFSET_SIZE = 2;
const MAX_OFFSET = 0xffff;

/**
 * `<outer> { DF21 <u16 offset of each object from the start of the file>, ...objects }`: the
 * shape of text EF 0002 (DF22..DF25) and surface EF 0002 (DF22..DF2A). An offset is where the
 * object's first tag byte is, counted from the file's first byte (card-protocols.md:
 * `DF21 08 000E 0020 0059 0064`).
 */
export function buildOffsetTableRecord(
  outerTag: number,
  offsetsTag: number,
  objects: readonly Uint8Array[],
): Uint8Array {
  const tableLength = OFFSET_SIZE * objects.length;
  const tableObjectLength = encodeTlv(offsetsTag, new Uint8Array(tableLength)).length;
  let innerLength = tableObjectLength;
  for (const o of objects) innerLength += o.length;
  const outerHeader =
    encodeTlv(outerTag, new Uint8Array(0)).length - 1 + lengthFieldSize(innerLength);
  const table = new Uint8Array(tableLength);
  let at = outerHeader + tableObjectLength;
  objects.forEach((o, i) => {
    if (at > MAX_OFFSET)
      throw new ReaderError('reader/profile-invalid', 'file too large for u16 offsets');
    table[i * OFFSET_SIZE] = at >> 8;
    table[i * OFFSET_SIZE + 1] = at & 0xff;
    at += o.length;
  });
  return encodeTlv(outerTag, concatBytes(encodeTlv(offsetsTag, table), ...objects));
}

/**
 * Text EF 0001: `FF 10 0C` + the 12 ASCII digits, then filler to the file's physical size
 * (simulator's choice: 0x10 bytes of FF). DF31 hashes all of it, filler included.
 */
export function buildMyNumberFile(myNumber: string): Uint8Array {
  const record = encodeTlv(TEXT_TAG.MY_NUMBER, ascii(myNumber));
  const filler = new Uint8Array(SIM_CHOICE.MY_NUMBER_FILLER_LENGTH).fill(SIM_CHOICE.FILLER_BYTE);
  return concatBytes(record, filler);
}

export interface BasicFour {
  /** Family and given name split by U+3000. */
  readonly name: string;
  readonly address: string;
  /** 'YYYY-MM-DD' (Gregorian). */
  readonly birthDate: string;
  /** JIS X 0303: '1' male, '2' female, '0' not known, '9' not applicable. */
  readonly sex: string;
}

/** Text EF 0002, the basic four: `FF20 { DF21 offsets, DF22 name, DF23 address, DF24 date, DF25 sex }`. */
export function buildBasicFourFile(holder: BasicFour): Uint8Array {
  return buildOffsetTableRecord(TEXT_TAG.BASIC_FOUR, TEXT_TAG.OFFSETS, [
    encodeTlv(TEXT_TAG.NAME, utf8(holder.name)),
    encodeTlv(TEXT_TAG.ADDRESS, utf8(holder.address)),
    encodeTlv(TEXT_TAG.BIRTH_DATE, cardDate(holder.birthDate)),
    encodeTlv(TEXT_TAG.SEX, ascii(holder.sex)),
  ]);
}

/** What DF32 hashes: EF 0002's outer value from DF22 to the end, the DF21 table skipped. */
export function basicFourDigestSource(basicFourFile: Uint8Array): Uint8Array {
  const outer = parseTlv(basicFourFile, 0);
  const first = children(outer).find((t) => t.tag !== TEXT_TAG.OFFSETS);
  return first ? outer.value.subarray(first.offset) : new Uint8Array(0);
}

/**
 * Text EF 0003: `FF30 { DF31 sha256(EF 0001 as stored), DF32 sha256(EF 0002 from DF22),
 * DF33 <PKCS1-v1_5/SHA-256 by the EF 0004 key over the raw DF31 and DF32 objects> }`.
 */
export function buildIntegrityRecord(
  myNumberFile: Uint8Array,
  basicFourFile: Uint8Array,
  apKey: KeyObject,
): Uint8Array {
  const df31 = encodeTlv(TEXT_TAG.MY_NUMBER_DIGEST, sha256(myNumberFile));
  const df32 = encodeTlv(TEXT_TAG.BASIC_FOUR_DIGEST, sha256(basicFourDigestSource(basicFourFile)));
  const df33 = encodeTlv(
    TEXT_TAG.INTEGRITY_SIGNATURE,
    signPkcs1Sha256(apKey, concatBytes(df31, df32)),
  );
  return encodeTlv(TEXT_TAG.INTEGRITY, concatBytes(df31, df32, df33));
}

/**
 * Text EF 0005, AP basic info: `FF40 { DF41 4 bytes, DF42 16-byte key id, DF43 128 bytes }`
 * (anchors.md A.4). Meanings unknown: DF41 and DF43 are the simulator's constants, DF42 the
 * subject key id of this AP's CV certificate.
 */
export function buildTextApInfo(cvCertificate: Uint8Array): Uint8Array {
  const keyId = parseCvCertificate(cvCertificate).subjectKeyId;
  return encodeTlv(
    TEXT_TAG.AP_INFO,
    concatBytes(
      encodeTlv(TEXT_TAG.AP_INFO_HEADER, SIM_CHOICE.AP_INFO_HEADER),
      encodeTlv(TEXT_TAG.AP_INFO_KEY_ID, keyId),
      encodeTlv(TEXT_TAG.AP_INFO_DATA, new Uint8Array(SIM_CHOICE.AP_INFO_DATA_LENGTH)),
    ),
  );
}

/**
 * Text EF 0007: `FF50 { DF51 <the AP's own signing key, 90/91>, DF52 <PKCS1-v1_5/SHA-256 by the
 * EF 0004 key over the raw DF51 object> }` (card-protocols.md step 4).
 */
export function buildSigningKeyFile(signingKey: KeyObject, apKey: KeyObject): Uint8Array {
  const df51 = encodeTlv(TEXT_TAG.SIGNING_PUBLIC_KEY, encodeRsaPublicKey(signingKey));
  const df52 = encodeTlv(TEXT_TAG.SIGNING_KEY_SIGNATURE, signPkcs1Sha256(apKey, df51));
  return encodeTlv(TEXT_TAG.SIGNING_KEY, concatBytes(df51, df52));
}

export interface TextApKeys {
  /** The key certified by EF 0004; signs EF 0003 and DF52. */
  readonly apKey: KeyObject;
  /** EF 0004 as issued (it does not depend on holder data). */
  readonly apCvCertificate: Uint8Array;
  /** The DF51 key: answers the card-present challenge. */
  readonly signingKey: KeyObject;
}

export interface TextApFiles {
  readonly myNumber: Uint8Array;
  readonly basicFour: Uint8Array;
  readonly integrity: Uint8Array;
  readonly cvCertificate: Uint8Array;
  readonly apInfo: Uint8Array;
  readonly signingKey: Uint8Array;
}

/** Every readable file of the text AP for one holder. EF 0003 is signed here, at load. */
export function buildTextApFiles(
  holder: BasicFour & { readonly myNumber: string },
  keys: TextApKeys,
): TextApFiles {
  const myNumber = buildMyNumberFile(holder.myNumber);
  const basicFour = buildBasicFourFile(holder);
  return {
    myNumber,
    basicFour,
    integrity: buildIntegrityRecord(myNumber, basicFour, keys.apKey),
    cvCertificate: keys.apCvCertificate.slice(),
    apInfo: buildTextApInfo(keys.apCvCertificate),
    signingKey: buildSigningKeyFile(keys.signingKey, keys.apKey),
  };
}

/** JPKI EF 0006: `JPKIAPICCTOKEN2` padded with spaces to 0x20 bytes (simulator's choice). */
export function buildJpkiToken(): Uint8Array {
  const out = new Uint8Array(JPKI_TOKEN.LENGTH).fill(JPKI_TOKEN.PAD);
  out.set(ascii(JPKI_TOKEN.CARD), 0);
  return out;
}

/** True when the CV certificate certifies `key` (same 90/91 encoding). */
export function cvCertifies(cvCertificate: Uint8Array, key: KeyObject): boolean {
  const body = parseCvCertificate(cvCertificate).body;
  return bytesEqual(body.subarray(2 * CV.KEY_ID_LENGTH), encodeRsaPublicKey(key));
}
