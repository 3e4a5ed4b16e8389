import { fromHex } from '../../shared/bytes.ts';
import {
  ISO_CLA,
  ISO_INS,
  READ_RECORD_P2_BY_NUMBER,
  SELECT,
  VERIFY_P2_SELECTED_KEY,
  MAX_SHORT_LE,
} from '../iso7816/constants.ts';

/**
 * The My Number Card (個人番号カード) as numbers: application AIDs, file identifiers, TLV tags,
 * instruction bytes and retry counts. Every magic number of reader/mynumber and of the card
 * simulator lives here once (style.md rule 5), each with its source:
 *   - card-protocols.md — /work/shared/docs/card-protocols.md, the project's authority;
 *   - jpki/myna — MIT, src/reader.rs, src/jpki.rs, src/text.rs, src/visual.rs (anchors.md A.2–A.4);
 *   - myna-card — soltia48/myna-card, MIT, src/ap/{mod,text,surface}.rs, src/data.rs (anchors.md A.4–A.8);
 *   - OpenSC — src/libopensc/jpki.h, card-jpki.c (anchors.md A.2, A.5).
 * Values marked "simulator's choice" are not documented anywhere we trust; reading code must not
 * depend on them.
 *
 * The Uint8Array values are shared: treat them as read-only (copy before mutating).
 */

/** Application AIDs, SELECT by DF name `00 A4 04 0C 0A <AID>` (card-protocols.md "Applications"). */
export const AID = {
  /** 公的個人認証AP — jpki/myna src/jpki.rs L40, OpenSC jpki.h L27. */
  JPKI: fromHex('D3 92 F0 00 26 01 00 00 00 01'),
  /** 券面事項入力補助AP — jpki/myna src/text.rs L6. */
  TEXT: fromHex('D3 92 10 00 31 00 01 01 04 08'),
  /** 券面事項確認AP — jpki/myna src/visual.rs L6. */
  SURFACE: fromHex('D3 92 10 00 31 00 01 01 04 02'),
  /** 住基AP — myna-card src/ap/mod.rs module table. */
  JUKI: fromHex('D3 92 10 00 31 00 01 01 04 01'),
  /** 共通カードAP, record-structured — jpki/myna src/unknown.rs L5. */
  COMMON: fromHex('D3 92 10 00 31 00 01 01 01 00'),
} as const;

/**
 * ATR of the contact interface as OpenSC matches it (card-jpki.c `jpki_atrs[]`). Contactless
 * readers invent their own; detect the card by SELECT, never by ATR (card-protocols.md).
 */
export const ATR = fromHex('3B E0 00 FF 81 31 FE 45 14');

/** 券面事項入力補助AP ("text") EFs: card-protocols.md "Text AP files"; anchors.md A.4 (myna-card src/ap/text.rs `mod ef`). */
export const TEXT_EF = {
  /** 個人番号: `FF 10 0C` + 12 ASCII digits, filler after it. */
  MY_NUMBER: 0x0001,
  /** 基本4情報 `FF20`. */
  BASIC_FOUR: 0x0002,
  /** Integrity record `FF30`: digests of 0001/0002 and a signature. */
  INTEGRITY: 0x0003,
  /** This AP's card-verifiable certificate `7F21`. */
  CV_CERTIFICATE: 0x0004,
  /** AP basic info `FF40`. */
  AP_INFO: 0x0005,
  /** RSA key for secure-messaging session keys (tag A1); not modelled by the simulator. */
  SECURE_MESSAGING_KEY: 0x0006,
  /** The AP's own signing key `FF50` (DF51 key, DF52 signature by the EF 0004 key). */
  SIGNING_KEY: 0x0007,
  /** Key EF: 券面事項入力補助用暗証番号, 4 digits. */
  PIN: 0x0011,
  /** Key EF: 照合番号A (the 12-digit My Number). */
  CODE_A: 0x0014,
  /** Key EF: 照合番号B (14 digits, see code-b.ts). */
  CODE_B: 0x0015,
} as const;

/** 券面事項確認AP ("surface") EFs: anchors.md A.4 (myna-card src/ap/surface.rs `mod ef`), A.8. */
export const SURFACE_EF = {
  /** Age record `FF10` (DF11 birth date, DF12 key, DF13 signature). */
  AGE: 0x0001,
  /** Card face `FF20`. */
  CARD_FACE: 0x0002,
  /** AP basic info `FF30` with DF34, the issuing municipality's code. */
  AP_INFO: 0x0003,
  /** This AP's card-verifiable certificate `7F21`. */
  CV_CERTIFICATE: 0x0004,
  /** 個人番号 rendered as an image `FF40`; 照合番号A only. */
  MY_NUMBER_IMAGE: 0x0005,
  /** Key EF: 生年月日 (6 digits, Japanese-era YYMMDD). */
  BIRTH_DATE_KEY: 0x0011,
  /** Key EF: 照合番号B. */
  CODE_B: 0x0012,
  /** Key EF: 照合番号A. */
  CODE_A: 0x0013,
} as const;

/** 公的個人認証AP EFs: jpki/myna src/jpki.rs; OpenSC jpki.h L27-34 (anchors.md A.4). */
export const JPKI_EF = {
  /** 署名用電子証明書 (X.509 DER); needs the signing password. */
  SIGN_CERTIFICATE: 0x0001,
  /** 署名用CA certificate. */
  SIGN_CA_CERTIFICATE: 0x0002,
  /** Token, read as 0x20 bytes (jpki/myna src/jpki.rs L52-59). */
  TOKEN: 0x0006,
  /** 利用者証明用電子証明書 (X.509 DER); readable with no PIN. */
  AUTH_CERTIFICATE: 0x000a,
  /** 利用者証明用CA certificate. */
  AUTH_CA_CERTIFICATE: 0x000b,
  /** Private key EF of the user-authentication key. */
  AUTH_KEY: 0x0017,
  /** Key EF: 利用者証明用 PIN, 4 digits. */
  AUTH_PIN: 0x0018,
  /** Private key EF of the signing key. */
  SIGN_KEY: 0x001a,
  /** Key EF: 署名用パスワード. */
  SIGN_PIN: 0x001b,
} as const;

/**
 * 住基AP: its PIN key EF's FID is in none of our sources — simulator's choice (mirrors the text
 * AP's 0011). Reading code has no business in this AP.
 */
export const JUKI_EF = {
  PIN: 0x0011,
} as const;

/** 共通カードAP: one record EF read with READ RECORD(1, SFI 1) (jpki/myna src/unknown.rs L23). */
export const COMMON_SFI = 1;

/**
 * Instruction bytes (card-protocols.md "Commands"; jpki/myna src/reader.rs L139-269): the ISO
 * ones come from reader/iso7816/constants.ts, plus the card's proprietary sign command.
 */
export const INS = {
  ...ISO_INS,
  /** PERFORM SECURITY OPERATION, class 80: JPKI signature and the card-present challenge. */
  SIGN: 0x2a,
} as const;

/** Class bytes: ISO interindustry and proprietary (the sign command, card-protocols.md). */
export const CLA = {
  ISO: ISO_CLA,
  PROPRIETARY: 0x80,
} as const;

export { SELECT, VERIFY_P2_SELECTED_KEY, READ_RECORD_P2_BY_NUMBER };

/** GET CHALLENGE `00 84 00 00 08` (myna-card TextAp challenge, anchors.md A.7). */
export const CHALLENGE_LENGTH = 8;

/** P1P2 of `80 2A`: 0080 signs with the selected JPKI key, 0000 is the AP's card-present signature. */
export const SIGN_P1P2 = {
  SELECTED_KEY: 0x0080,
  CARD_PRESENT: 0x0000,
} as const;

/** READ BINARY chunk: short APDUs only, Le 00 = 256 (card-protocols.md; jpki/myna reader.rs L173). */
export const MAX_READ_CHUNK = MAX_SHORT_LE;

/** Credential formats and retry counts (card-protocols.md "Credentials"; anchors.md A.5). */
export const CREDENTIAL = {
  PIN_DIGITS: 4,
  MY_NUMBER_DIGITS: 12,
  CODE_B_DIGITS: 14,
  BIRTH_DATE_KEY_DIGITS: 6,
  SECURITY_CODE_DIGITS: 4,
  SIGN_PASSWORD_MIN: 6,
  SIGN_PASSWORD_MAX: 16,
  /** 券面事項入力補助用暗証番号, JPKI auth PIN, 住基 PIN: 3 (municipal pages; OpenSC jpki.h L30). */
  PIN_TRIES: 3,
  /** 署名用パスワード: 5 (OpenSC jpki.h L34). */
  SIGN_PASSWORD_TRIES: 5,
  /** 照合番号A/B and the birth-date key: "limited", count undocumented — simulator's choice. */
  CODE_TRIES: 10,
} as const;

/** Card-verifiable certificate `7F21` (card-protocols.md step 1; myna-card src/data.rs). */
export const CV = {
  CERTIFICATE: 0x7f21,
  BODY: 0x5f4e,
  SIGNATURE: 0x5f37,
  /** RSA public exponent and modulus inside a body, DF51, DF24, DF12, DF42. */
  EXPONENT: 0x90,
  MODULUS: 0x91,
  KEY_ID_LENGTH: 16,
  /** 16 + 16 + `90 03 e` (5) + `91 82 01 00 n` (260). */
  BODY_LENGTH: 297,
  MODULUS_LENGTH: 256,
  /**
   * J-LIS key ids are a 7-character ASCII name then these 9 bytes, e.g. "6000033" →
   * 36303030303333 080530303100000000 (jlis-cv-ca-keys.json).
   */
  KEY_ID_SUFFIX: fromHex('08 05 30 30 31 00 00 00 00'),
  KEY_NAME_LENGTH: 7,
} as const;

/** Text AP TLV tags (card-protocols.md "Text AP files"; anchors.md A.4, A.6, A.7). */
export const TEXT_TAG = {
  MY_NUMBER: 0xff10,
  BASIC_FOUR: 0xff20,
  OFFSETS: 0xdf21,
  NAME: 0xdf22,
  ADDRESS: 0xdf23,
  BIRTH_DATE: 0xdf24,
  SEX: 0xdf25,
  INTEGRITY: 0xff30,
  MY_NUMBER_DIGEST: 0xdf31,
  BASIC_FOUR_DIGEST: 0xdf32,
  INTEGRITY_SIGNATURE: 0xdf33,
  AP_INFO: 0xff40,
  AP_INFO_HEADER: 0xdf41,
  AP_INFO_KEY_ID: 0xdf42,
  AP_INFO_DATA: 0xdf43,
  SIGNING_KEY: 0xff50,
  SIGNING_PUBLIC_KEY: 0xdf51,
  SIGNING_KEY_SIGNATURE: 0xdf52,
} as const;

/** Surface AP TLV tags (card-protocols.md "Surface AP"; anchors.md A.4, A.8). */
export const SURFACE_TAG = {
  AGE: 0xff10,
  AGE_BIRTH_DATE: 0xdf11,
  AGE_PUBLIC_KEY: 0xdf12,
  AGE_SIGNATURE: 0xdf13,
  CARD_FACE: 0xff20,
  OFFSETS: 0xdf21,
  BIRTH_DATE: 0xdf22,
  SEX: 0xdf23,
  CARD_KEY: 0xdf24,
  NAME_IMAGE: 0xdf25,
  ADDRESS_IMAGE: 0xdf26,
  PHOTO: 0xdf27,
  SIGNATURE: 0xdf28,
  EXPIRY_DATE: 0xdf29,
  SECURITY_CODE_IMAGE: 0xdf2a,
  AP_INFO: 0xff30,
  MUNICIPALITY_CODE: 0xdf34,
  MY_NUMBER_IMAGE_RECORD: 0xff40,
  MY_NUMBER_IMAGE: 0xdf41,
  MY_NUMBER_IMAGE_KEY: 0xdf42,
  MY_NUMBER_IMAGE_SIGNATURE: 0xdf43,
} as const;

/**
 * JPKI token EF 0006: jpki/myna cli.rs L463 tells `JPKIAPGPSETOKEN` (smartphone) from the card.
 * The card's value `JPKIAPICCTOKEN2` and its padding (spaces to 0x20 bytes) are the simulator's
 * choice.
 */
export const JPKI_TOKEN = {
  CARD: 'JPKIAPICCTOKEN2',
  LENGTH: 0x20,
  PAD: 0x20,
} as const;

/**
 * DER prefix of a SHA-256 DigestInfo (RFC 8017 §9.2 note 1): what `80 2A` signs, followed by the
 * 32-byte digest (card-protocols.md "card-present challenge").
 */
export const SHA256_DIGEST_INFO_PREFIX = fromHex(
  '30 31 30 0d 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20',
);

/**
 * Contents the simulator has to invent because no source documents them. Reading code must not
 * depend on any of these.
 */
export const SIM_CHOICE = {
  /** Text EF 0001 is larger than its TLV; the simulator's file is 0x10 bytes larger, filled with FF. */
  MY_NUMBER_FILLER_LENGTH: 0x10,
  FILLER_BYTE: 0xff,
  /** Text EF 0005 `DF41` (4 bytes, meaning unknown). */
  AP_INFO_HEADER: fromHex('00 00 00 01'),
  /** Text EF 0005 `DF43` (128 bytes, meaning unknown): zeros. */
  AP_INFO_DATA_LENGTH: 128,
  /** Scale and margin of the digit images the simulator draws (surface EF 0005, security code). */
  DIGIT_IMAGE_SCALE: 2,
  DIGIT_IMAGE_MARGIN: 2,
} as const;
