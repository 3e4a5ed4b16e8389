import { parseIsoDate } from '../../shared/dates.ts';
import { readU16be } from '../../shared/bytes.ts';
import { ReaderError } from '../errors.ts';
import { parseExactTags, parseTlv, type Tlv } from '../tlv/ber.ts';
import { TEXT_TAG } from './constants.ts';

/** 性別 per JIS X 0303 (card-protocols.md "Basic four"). */
export type Sex = 'male' | 'female' | 'not-known' | 'not-applicable';

const SEX_CODES: Readonly<Record<string, Sex>> = {
  '1': 'male',
  '2': 'female',
  '0': 'not-known',
  '9': 'not-applicable',
};

/** 基本4情報 as the card holds them. Personal data: in memory for a case only, never logged. */
export interface BasicFour {
  /** 氏名, exactly as on the card (family and given name split by U+3000; never normalised). */
  readonly name: string;
  /** 住所, exactly as on the card (block numbers in full-width digits). */
  readonly address: string;
  /** 'YYYY-MM-DD' (the card stores YYYYMMDD, Gregorian). */
  readonly birthDate: string;
  readonly sex: Sex;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function invalid(message: string): ReaderError {
  return new ReaderError('reader/tlv-invalid', `basic four: ${message}`);
}

/** UTF-8 that must decode byte-exact: no replacement characters, no normalisation. */
export function strictUtf8(bytes: Uint8Array, what: string): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw invalid(`${what} is not valid UTF-8`);
  }
}

/** YYYYMMDD (ASCII) to 'YYYY-MM-DD', refusing impossible dates. */
export function cardDate(bytes: Uint8Array, what: string): string {
  const text = /^\d{8}$/.test(String.fromCharCode(...bytes)) ? String.fromCharCode(...bytes) : '';
  const iso = `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`;
  if (!text || !parseIsoDate(iso)) throw invalid(`${what} is not a YYYYMMDD date`);
  return iso;
}

export function sexOf(bytes: Uint8Array): Sex {
  const sex = bytes.length === 1 ? SEX_CODES[String.fromCharCode(bytes[0] as number)] : undefined;
  if (!sex) throw invalid('sex is not one of 1, 2, 0, 9 (JIS X 0303)');
  return sex;
}

/**
 * Checks a DF21 offset table: one u16 per following object, each the offset from the start of
 * the file to that object's tag — checked, not trusted (myna-card
 * `checks_the_offset_table_rather_than_trusting_it`).
 */
export function checkOffsetTable(table: Tlv, objects: readonly Tlv[], valueStart: number): void {
  if (table.length !== objects.length * 2) {
    throw invalid(`offset table holds ${table.length / 2} offsets for ${objects.length} objects`);
  }
  objects.forEach((object, i) => {
    if (readU16be(table.value, i * 2) !== valueStart + object.offset) {
      throw invalid(`offset ${i + 1} does not point at its object`);
    }
  });
}

export interface ParsedBasicFour extends BasicFour {
  /** What DF32 digests: the FF20 value from DF22 to its end, the offset table skipped. */
  readonly digestSource: Uint8Array;
}

/**
 * Parses text AP EF 0002: `FF20 { DF21 offsets, DF22 name, DF23 address, DF24 birth date,
 * DF25 sex }`, by tag, refusing unknown or repeated tags and a wrong offset table.
 */
export function parseBasicFour(file: Uint8Array): ParsedBasicFour {
  const outer = parseTlv(file, 0);
  if (outer.tag !== TEXT_TAG.BASIC_FOUR) throw invalid('the file is not an FF20 record');
  const tags = [
    TEXT_TAG.OFFSETS,
    TEXT_TAG.NAME,
    TEXT_TAG.ADDRESS,
    TEXT_TAG.BIRTH_DATE,
    TEXT_TAG.SEX,
  ];
  const fields = parseExactTags(outer.value, tags, 'basic four');
  const get = (tag: number): Tlv => {
    const t = fields.get(tag);
    if (!t) throw invalid(`tag ${tag.toString(16).toUpperCase()} is missing`);
    return t;
  };
  const offsets = get(TEXT_TAG.OFFSETS);
  const objects = [TEXT_TAG.NAME, TEXT_TAG.ADDRESS, TEXT_TAG.BIRTH_DATE, TEXT_TAG.SEX].map(get);
  checkOffsetTable(offsets, objects, outer.headerLength);
  const first = objects[0] as Tlv;
  return {
    name: strictUtf8(get(TEXT_TAG.NAME).value, 'name'),
    address: strictUtf8(get(TEXT_TAG.ADDRESS).value, 'address'),
    birthDate: cardDate(get(TEXT_TAG.BIRTH_DATE).value, 'birth date'),
    sex: sexOf(get(TEXT_TAG.SEX).value),
    digestSource: outer.value.subarray(first.offset),
  };
}

/** Text AP EF 0001: `FF 10 0C` + 12 ASCII digits (then filler, ignored). */
export function parseMyNumberFile(file: Uint8Array): string {
  const tlv = parseTlv(file, 0);
  const digits = String.fromCharCode(...tlv.value);
  if (tlv.tag !== TEXT_TAG.MY_NUMBER || !/^\d{12}$/.test(digits)) {
    throw new ReaderError('reader/tlv-invalid', 'EF 0001 does not hold a 12-digit My Number');
  }
  return digits;
}
