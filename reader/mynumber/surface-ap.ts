import { isJp2 } from '../../shared/jp2.ts';
import { ReaderError } from '../errors.ts';
import { selectEf } from '../iso7816/commands.ts';
import { readTlvFile } from '../iso7816/read-file.ts';
import { children, parseExactTags, parseTlv, type Tlv } from '../tlv/ber.ts';
import type { CardChannel } from '../transport/channel.ts';
import { selectApplication } from './applications.ts';
import { cardDate, checkOffsetTable, sexOf, type Sex } from './basic-four.ts';
import { SURFACE_EF, SURFACE_TAG } from './constants.ts';
import { presentCredential, type PinPolicy } from './credentials.ts';

/**
 * 券面事項確認AP ("surface"): the card face, opened with 照合番号B, and the issuing
 * municipality's code, readable without a credential (card-protocols.md "Surface AP";
 * anchors.md A.8). The face photo is what a face-auth device matches against; it is JPEG 2000
 * in a JP2 container (Chromium does not render it) and never written to disk by Kazasu.
 */
export interface CardFace {
  readonly birthDate: string;
  readonly sex: Sex;
  /** 有効期限 'YYYY-MM-DD' (DF29: after the signature, not covered by it). */
  readonly expiryDate: string;
  /** 顔写真, JP2 bytes. */
  readonly photo: Uint8Array;
  /** 氏名 and 住所 as images (PNG), as printed on the card. */
  readonly nameImage: Uint8Array;
  readonly addressImage: Uint8Array;
}

const FACE_TAGS = [
  SURFACE_TAG.BIRTH_DATE,
  SURFACE_TAG.SEX,
  SURFACE_TAG.CARD_KEY,
  SURFACE_TAG.NAME_IMAGE,
  SURFACE_TAG.ADDRESS_IMAGE,
  SURFACE_TAG.PHOTO,
  SURFACE_TAG.SIGNATURE,
  SURFACE_TAG.EXPIRY_DATE,
  SURFACE_TAG.SECURITY_CODE_IMAGE,
];

/** Parses surface EF 0002 by tag, with its offset table checked. */
export function parseCardFace(file: Uint8Array): CardFace {
  const outer = parseTlv(file, 0);
  if (outer.tag !== SURFACE_TAG.CARD_FACE)
    throw new ReaderError('reader/tlv-invalid', 'card face: not an FF20 record');
  const fields = parseExactTags(outer.value, [SURFACE_TAG.OFFSETS, ...FACE_TAGS], 'card face');
  const get = (tag: number): Tlv => {
    const t = fields.get(tag);
    if (!t)
      throw new ReaderError(
        'reader/tlv-invalid',
        `card face: tag ${tag.toString(16).toUpperCase()} is missing`,
      );
    return t;
  };
  const table = fields.get(SURFACE_TAG.OFFSETS);
  if (table) checkOffsetTable(table, FACE_TAGS.map(get), outer.headerLength);
  const photo = get(SURFACE_TAG.PHOTO).value;
  if (!isJp2(photo)) {
    throw new ReaderError('reader/tlv-invalid', 'card face: the photo is not a JP2 file');
  }
  return {
    birthDate: cardDate(get(SURFACE_TAG.BIRTH_DATE).value, 'birth date'),
    sex: sexOf(get(SURFACE_TAG.SEX).value),
    expiryDate: cardDate(get(SURFACE_TAG.EXPIRY_DATE).value, 'expiry date'),
    photo: photo.slice(),
    nameImage: get(SURFACE_TAG.NAME_IMAGE).value.slice(),
    addressImage: get(SURFACE_TAG.ADDRESS_IMAGE).value.slice(),
  };
}

/** EF 0003 `FF30 { … DF34 <5 ASCII digits> … }`: the 全国地方公共団体コード (unsigned). */
export function parseMunicipalityCode(file: Uint8Array): string {
  const outer = parseTlv(file, 0);
  const code =
    outer.tag === SURFACE_TAG.AP_INFO
      ? children(outer).find((t) => t.tag === SURFACE_TAG.MUNICIPALITY_CODE)
      : undefined;
  const text = code ? String.fromCharCode(...code.value) : '';
  if (!/^\d{5}$/.test(text))
    throw new ReaderError('reader/tlv-invalid', 'surface EF 0003 has no 5-digit municipality code');
  return text;
}

/**
 * The issuing municipality's code, with no credential. It is unsigned: a hint for "resident of
 * our town?" pre-checks, never a basis for a discount (anchors.md A.9).
 */
export async function readMunicipalityCode(channel: CardChannel): Promise<string> {
  await selectApplication(channel, 'SURFACE');
  await channel.send(selectEf(SURFACE_EF.AP_INFO, 'SELECT EF surface AP info'));
  return parseMunicipalityCode(await readTlvFile(channel));
}

export interface CardFaceRead extends CardFace {
  readonly municipalityCode: string;
}

/** The card face, opened with 照合番号B (`codeB`: 14 ASCII digits, zeroed after use). */
export async function readCardFace(
  channel: CardChannel,
  codeB: Uint8Array,
  policy: PinPolicy = {},
): Promise<CardFaceRead> {
  const municipalityCode = await readMunicipalityCode(channel);
  await presentCredential(channel, 'surface-code-b', codeB, policy);
  channel.assertSameCard();
  await channel.send(selectEf(SURFACE_EF.CARD_FACE, 'SELECT EF card face'));
  const face = parseCardFace(await readTlvFile(channel, 65536));
  channel.assertSameCard();
  return { ...face, municipalityCode };
}
