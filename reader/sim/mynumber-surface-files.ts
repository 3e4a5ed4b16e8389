import type { KeyObject } from 'node:crypto';
import { concatBytes } from '../../shared/bytes.ts';
import { ReaderError } from '../errors.ts';
import { SIM_CHOICE, SURFACE_TAG } from '../mynumber/constants.ts';
import { children, encodeTlv, parseTlv, type Tlv } from '../tlv/ber.ts';
import { encodeRsaPublicKey, sha256, signPkcs1Sha256 } from './cv-cert.ts';
import { buildOffsetTableRecord, cardDate } from './mynumber-files.ts';
import { digitsBitmap, encodePng1Bit } from './png.ts';

/**
 * PURE builders of the 券面事項確認AP ("surface") files (card-protocols.md "Surface AP";
 * anchors.md A.4, A.8). Where the real construction is not public, the simulator's own is
 * defined here and named as such; reading code that verifies these must treat a simulated
 * surface signature as "simulator construction", never as the card's.
 *
 * Keys: `apKey` is the key certified by EF 0004 (it signs every record); `cardKey` is the
 * card's own key published in DF24, DF12 and DF42, which answers the card-present challenge.
 */

export interface SurfaceApKeys {
  readonly apKey: KeyObject;
  readonly apCvCertificate: Uint8Array;
  readonly cardKey: KeyObject;
}

export interface CardFaceImages {
  /** 氏名 image, 1-bit PNG. */
  readonly namePng: Uint8Array;
  /** 住所 image, 1-bit PNG. */
  readonly addressPng: Uint8Array;
  /** 顔写真, JPEG 2000 in a JP2 container. */
  readonly faceJp2: Uint8Array;
  /** セキュリティコード image, 1-bit PNG. */
  readonly securityCodePng: Uint8Array;
}

export interface CardFaceData {
  readonly birthDate: string;
  readonly sex: string;
  /** 'YYYY-MM-DD'; stored as YYYYMMDD in DF29. */
  readonly expiryDate: string;
}

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

/**
 * The simulator's DF28 construction: the real card signs "three separately hashed groups
 * [DF22..DF24], [DF25..DF26], [DF27]" (anchors.md A.8), in an undocumented way. Here the
 * signed message is SHA-256(raw DF22‖DF23‖DF24) ‖ SHA-256(raw DF25‖DF26) ‖ SHA-256(raw DF27)
 * (96 bytes, objects with their headers), signed PKCS1-v1_5/SHA-256 by the EF 0004 key.
 */
export function cardFaceSignedMessage(groups: {
  readonly attributes: readonly Uint8Array[];
  readonly images: readonly Uint8Array[];
  readonly photo: Uint8Array;
}): Uint8Array {
  return concatBytes(sha256(...groups.attributes), sha256(...groups.images), sha256(groups.photo));
}

/**
 * Surface EF 0002: `FF20 { DF21 <u16 offsets to DF22..DF2A>, DF22 birth date, DF23 sex, DF24
 * card key, DF25 name PNG, DF26 address PNG, DF27 face JP2, DF28 signature, DF29 expiry date,
 * DF2A security-code PNG }`. DF29 and DF2A come after the signature and are not covered by it.
 */
export function buildCardFaceFile(
  data: CardFaceData,
  images: CardFaceImages,
  keys: SurfaceApKeys,
): Uint8Array {
  const attributes = [
    encodeTlv(SURFACE_TAG.BIRTH_DATE, cardDate(data.birthDate)),
    encodeTlv(SURFACE_TAG.SEX, ascii(data.sex)),
    encodeTlv(SURFACE_TAG.CARD_KEY, encodeRsaPublicKey(keys.cardKey)),
  ];
  const pictures = [
    encodeTlv(SURFACE_TAG.NAME_IMAGE, images.namePng),
    encodeTlv(SURFACE_TAG.ADDRESS_IMAGE, images.addressPng),
  ];
  const photo = encodeTlv(SURFACE_TAG.PHOTO, images.faceJp2);
  const message = cardFaceSignedMessage({ attributes, images: pictures, photo });
  const signature = encodeTlv(SURFACE_TAG.SIGNATURE, signPkcs1Sha256(keys.apKey, message));
  return buildOffsetTableRecord(SURFACE_TAG.CARD_FACE, SURFACE_TAG.OFFSETS, [
    ...attributes,
    ...pictures,
    photo,
    signature,
    encodeTlv(SURFACE_TAG.EXPIRY_DATE, cardDate(data.expiryDate)),
    encodeTlv(SURFACE_TAG.SECURITY_CODE_IMAGE, images.securityCodePng),
  ]);
}

/** The DF28 message of a built card face, recomputed from its objects (tests and tooling). */
export function cardFaceSignedMessageOf(cardFaceFile: Uint8Array): Uint8Array {
  const objects = children(parseTlv(cardFaceFile, 0));
  const raw = (tag: number): Uint8Array => {
    const found: Tlv | undefined = objects.find((t) => t.tag === tag);
    if (!found) throw new ReaderError('reader/tlv-invalid', `card face has no ${tag.toString(16)}`);
    return found.raw;
  };
  return cardFaceSignedMessage({
    attributes: [raw(SURFACE_TAG.BIRTH_DATE), raw(SURFACE_TAG.SEX), raw(SURFACE_TAG.CARD_KEY)],
    images: [raw(SURFACE_TAG.NAME_IMAGE), raw(SURFACE_TAG.ADDRESS_IMAGE)],
    photo: raw(SURFACE_TAG.PHOTO),
  });
}

/**
 * `<outer> { <a> <b> <sig> }` with the signature PKCS1-v1_5/SHA-256 by the EF 0004 key over the
 * raw `a` and `b` objects: the simulator's construction for the age record and the My Number
 * image record (the real ones are not public; it mirrors text EF 0003).
 */
function signedPair(
  outer: number,
  a: Uint8Array,
  b: Uint8Array,
  sigTag: number,
  apKey: KeyObject,
): Uint8Array {
  const signature = encodeTlv(sigTag, signPkcs1Sha256(apKey, concatBytes(a, b)));
  return encodeTlv(outer, concatBytes(a, b, signature));
}

/** Surface EF 0001, the age record: `FF10 { DF11 YYYYMMDD, DF12 card key, DF13 signature }`. */
export function buildAgeRecord(birthDate: string, keys: SurfaceApKeys): Uint8Array {
  return signedPair(
    SURFACE_TAG.AGE,
    encodeTlv(SURFACE_TAG.AGE_BIRTH_DATE, cardDate(birthDate)),
    encodeTlv(SURFACE_TAG.AGE_PUBLIC_KEY, encodeRsaPublicKey(keys.cardKey)),
    SURFACE_TAG.AGE_SIGNATURE,
    keys.apKey,
  );
}

/**
 * Surface EF 0003, AP basic info: `FF30 { DF34 <5 ASCII digits> }`. The real record has more
 * (DF35, encrypted 照合番号); the simulator holds only the municipality code.
 */
export function buildSurfaceApInfo(municipalityCode: string): Uint8Array {
  return encodeTlv(
    SURFACE_TAG.AP_INFO,
    encodeTlv(SURFACE_TAG.MUNICIPALITY_CODE, ascii(municipalityCode)),
  );
}

/**
 * Surface EF 0005: `FF40 { DF41 <the 個人番号 as a 1-bit PNG>, DF42 card key, DF43 signature }`.
 * The image is drawn by the simulator with a 3×5 digit font.
 */
export function buildMyNumberImageRecord(myNumber: string, keys: SurfaceApKeys): Uint8Array {
  const png = encodePng1Bit(
    digitsBitmap(myNumber, SIM_CHOICE.DIGIT_IMAGE_SCALE, SIM_CHOICE.DIGIT_IMAGE_MARGIN),
  );
  return signedPair(
    SURFACE_TAG.MY_NUMBER_IMAGE_RECORD,
    encodeTlv(SURFACE_TAG.MY_NUMBER_IMAGE, png),
    encodeTlv(SURFACE_TAG.MY_NUMBER_IMAGE_KEY, encodeRsaPublicKey(keys.cardKey)),
    SURFACE_TAG.MY_NUMBER_IMAGE_SIGNATURE,
    keys.apKey,
  );
}

export interface SurfaceApFiles {
  readonly age: Uint8Array;
  readonly cardFace: Uint8Array;
  readonly apInfo: Uint8Array;
  readonly cvCertificate: Uint8Array;
  readonly myNumberImage: Uint8Array;
}

/** Every readable file of the surface AP for one holder and card. */
export function buildSurfaceApFiles(
  data: CardFaceData & { readonly myNumber: string; readonly municipalityCode: string },
  images: CardFaceImages,
  keys: SurfaceApKeys,
): SurfaceApFiles {
  return {
    age: buildAgeRecord(data.birthDate, keys),
    cardFace: buildCardFaceFile(data, images, keys),
    apInfo: buildSurfaceApInfo(data.municipalityCode),
    cvCertificate: keys.apCvCertificate.slice(),
    myNumberImage: buildMyNumberImageRecord(data.myNumber, keys),
  };
}
