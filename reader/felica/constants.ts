/**
 * FeliCa numbers, once, with their sources (style.md rule 5). The authority is
 * docs/card-protocols.md "FeliCa"; the longer notes and manual citations are in
 * research/anchors.md B.1 (readers) and B.2 (Suica layout).
 *
 * Byte order matters and differs by field: service codes travel little-endian inside FeliCa
 * frames and pseudo-APDUs (anchors.md B.2: "0F 09 (=0x090F LE)"), the system code in a Polling
 * frame travels big-endian (FeliCa Card User's Manual §4.4.2; nfcpy `tt3.py` `polling()` packs
 * it with ">H").
 */

/** サイバネ規格 transit system (Suica, PASMO, ICOCA, regional cards): card-protocols.md, B.2. */
export const SYSTEM_CODE_TRANSIT = 0x0003;
/** Wildcard system code: any system answers Polling (FeliCa Card User's Manual §4.4.2). */
export const SYSTEM_CODE_WILDCARD = 0xffff;

/** Service codes of the transit system (card-protocols.md "FeliCa"; anchors.md B.2). */
export const SERVICE = {
  /** 利用履歴: cyclic, read-only without key, 16-byte blocks, newest in block 0. */
  HISTORY: 0x090f,
  /** 属性: card type and balance (bytes 11–12 little-endian), one block. */
  ATTRIBUTES: 0x008b,
  /** 入出場: gate in/out records. */
  GATE: 0x108f,
} as const;

/** Every FeliCa block is 16 bytes (FeliCa Card User's Manual §3.4; anchors.md B.2). */
export const BLOCK_SIZE = 16;
/** The IDm (Manufacture ID) and PMm (Manufacture Parameter) are 8 bytes each (User's Manual §2.3). */
export const IDM_LENGTH = 8;
export const PMM_LENGTH = 8;
/**
 * Blocks per Read Without Encryption command. The User's Manual leaves the limit to the product;
 * nfcpy's Type 3 emulation (`tt3.py`, `read_without_encryption`) answers FF A2 above 15, and
 * `format()` probes 1..15. We never ask for more in one command and split longer reads.
 */
export const MAX_BLOCKS_PER_READ = 15;
/** Number of Service in one command: 1..16 (User's Manual §4.4.5, quoted in proxmark3 `cmdhffelica.c`). */
export const MAX_SERVICES_PER_READ = 16;
/** Suica keeps 20 history entries (anchors.md B.2; the depth "製品により異なります"). */
export const SUICA_HISTORY_DEPTH = 20;

/** FeliCa command codes; each response code is the command code + 1 (User's Manual §4.4). */
export const FELICA_COMMAND = {
  POLLING: 0x00,
  REQUEST_SERVICE: 0x02,
  REQUEST_RESPONSE: 0x04,
  READ_WITHOUT_ENCRYPTION: 0x06,
  REQUEST_SYSTEM_CODE: 0x0c,
} as const;

export const FELICA_RESPONSE = {
  POLLING: 0x01,
  REQUEST_SERVICE: 0x03,
  REQUEST_RESPONSE: 0x05,
  READ_WITHOUT_ENCRYPTION: 0x07,
  REQUEST_SYSTEM_CODE: 0x0d,
} as const;

/** Polling request codes (User's Manual §4.4.2; nfcpy `polling()`): 01 asks for the system code. */
export const POLLING_REQUEST = { NONE: 0x00, SYSTEM_CODE: 0x01 } as const;

/**
 * Status Flag 2 values a reader of unencrypted services meets (FeliCa Card User's Manual
 * "Status Flag", as quoted in proxmark3 `client/src/cmdhffelica.c`
 * `print_status_flag2_interpration`). Status Flag 1 is 00 on success, FF for an error not tied
 * to a list element, otherwise the location of the failing list element (nfcpy's error table
 * and Type 3 emulation use the bit 1 << index: 01 first element, 02 second, 04 third ...).
 */
export const STATUS_FLAG1_NOT_LIST = 0xff;
export const STATUS_FLAG2 = {
  ILLEGAL_NUMBER_OF_SERVICE: 0xa1,
  ILLEGAL_NUMBER_OF_BLOCK: 0xa2,
  ILLEGAL_BLOCK_LIST_ORDER: 0xa3, // service index outside the Service Code List
  ACCESS_NOT_ALLOWED: 0xa5,
  ILLEGAL_SERVICE_CODE_LIST: 0xa6, // the service does not exist
  ILLEGAL_BLOCK_LIST_ACCESS_MODE: 0xa7,
  ILLEGAL_BLOCK_NUMBER: 0xa8, // block number beyond the blocks assigned to the service
} as const;

/**
 * Block list element, first byte (User's Manual §4.3 "Block List"; nfcpy `BlockCode.pack`):
 * bit 7 = 1 for the 2-byte form (block number < 256, one byte), 0 for the 3-byte form (block
 * number little-endian in two bytes); bits 6–4 access mode (000 for reads); bits 3–0 the index
 * of the service in the command's Service Code List.
 */
export const BLOCK_ELEMENT_TWO_BYTE = 0x80;
export const BLOCK_ELEMENT_ACCESS_MODE_MASK = 0x70;
export const BLOCK_ELEMENT_SERVICE_INDEX_MASK = 0x0f;

/**
 * Pseudo-APDUs. CLA FF addresses the reader, not the card (PC/SC Part 3 §3.2.2.1).
 * - GET DATA `FF CA 00 00 00` returns the IDm + 90 00 (ACM1252U-Y3 Reference Manual §5.2.6;
 *   ACR122T manual; anchors.md B.1).
 * - ACS pass-through `FF 00 00 00 Lc <FeliCa frame starting with its length byte>`, answered
 *   by the response frame + 90 00 (ACM1252U-Y3 Reference Manual §5.2.6; anchors.md B.1).
 * - PC/SC Part 3 storage-card commands as Sony's PC/SC driver maps them onto FeliCa
 *   (tomosoft.jp/design/?p=41054; qiita.com/gebo/items/cb2dd393170767852fb3):
 *   SELECT FILE `FF A4 00 01 02 <service LE>` (P1 = 00 areas, P2 = 01 service),
 *   READ BINARY `FF B0 00 <block> 00` answering one 16-byte block.
 */
export const PSEUDO_CLA = 0xff;
export const PSEUDO_INS = {
  GET_DATA: 0xca,
  PASS_THROUGH: 0x00,
  SELECT_FILE: 0xa4,
  READ_BINARY: 0xb0,
} as const;
export const PART3_SELECT_P1 = 0x00;
export const PART3_SELECT_P2 = 0x01;

/**
 * PC/SC Part 3 storage-card ATR (Microsoft "PC/SC interface for smart cards", ATR format for
 * storage cards; PC/SC Part 3 Supplemental Document):
 * `3B 8F 80 01 | 80 | 4F 0C A0 00 00 03 06 SS NN NN 00 00 00 00 | TCK`.
 * The historical bytes are the category indicator 80 and an application identifier (tag 4F,
 * length 0C) holding the PC/SC RID, the standard byte SS and the two card-name bytes.
 */
export const PCSC_RID = Uint8Array.of(0xa0, 0x00, 0x00, 0x03, 0x06);
export const ATR_CATEGORY_COMPACT_TLV = 0x80;
export const ATR_TAG_APPLICATION_IDENTIFIER = 0x4f;

/**
 * Card-name bytes that mean FeliCa: 00 3B in the Supplemental Document's table (ACM1252U-Y3
 * manual §5.2.6: "11 00 3Bh = FeliCa"); ACR122 firmware reports F0 11 "FeliCa 212K" and F0 12
 * (424K) instead (ACR122U/ACR122T API manuals, anchors.md B.1).
 */
export const FELICA_CARD_NAMES: readonly number[] = [0x003b, 0xf011, 0xf012];
/** Standard byte for FeliCa in our simulator's ATR, as the ACM1252U reports it. */
export const PART3_STANDARD_FELICA = 0x11;
export const PART3_CARD_NAME_FELICA = 0x003b;

/** The FeliCa ATR as the ACM1252U-Y3 manual §5.2.6 prints it (TCK 42 included). */
// prettier-ignore
export const ACM1252U_FELICA_ATR = Uint8Array.of(
  0x3b, 0x8f, 0x80, 0x01, 0x80, 0x4f, 0x0c, 0xa0, 0x00, 0x00, 0x03, 0x06, 0x11, 0x00, 0x3b, 0x00, 0x00, 0x00,
  0x00, 0x42,
);

/** The historical bytes of an ATR (ISO/IEC 7816-3 §8.2), or undefined when it is malformed. */
export function atrHistoricalBytes(atr: Uint8Array): Uint8Array | undefined {
  const t0 = atr[1];
  if (atr.length < 2 || (atr[0] !== 0x3b && atr[0] !== 0x3f) || t0 === undefined) return undefined;
  const k = t0 & 0x0f;
  let y = t0 >> 4;
  let at = 2;
  // Each TDi announces the next group of interface bytes; every step consumes at least the TD
  // byte, so the walk ends within the ATR's length.
  for (;;) {
    const hasTd = (y & 0x8) !== 0;
    at += ((y & 0x1) !== 0 ? 1 : 0) + ((y & 0x2) !== 0 ? 1 : 0) + ((y & 0x4) !== 0 ? 1 : 0);
    if (!hasTd) break;
    const td = atr[at];
    if (td === undefined) return undefined;
    at += 1;
    y = td >> 4;
  }
  if (at + k > atr.length) return undefined;
  return atr.subarray(at, at + k);
}

/**
 * True when the ATR is a PC/SC Part 3 storage-card ATR naming FeliCa. Contactless readers make
 * this ATR up themselves: it tells which card technology answered, not which application.
 */
export function isFelicaAtr(atr: Uint8Array): boolean {
  const hist = atrHistoricalBytes(atr);
  if (hist?.[0] !== ATR_CATEGORY_COMPACT_TLV) return false;
  // After the category byte: tag, length, value items (PC/SC Part 3 §3.1.3.2.3).
  let at = 1;
  while (at + 2 <= hist.length) {
    const tag = hist[at] as number;
    const len = hist[at + 1] as number;
    const value = hist.subarray(at + 2, at + 2 + len);
    if (value.length < len) return false;
    if (tag === ATR_TAG_APPLICATION_IDENTIFIER) {
      if (len < PCSC_RID.length + 3) return false;
      for (let i = 0; i < PCSC_RID.length; i += 1) if (value[i] !== PCSC_RID[i]) return false;
      const name =
        ((value[PCSC_RID.length + 1] as number) << 8) | (value[PCSC_RID.length + 2] as number);
      return FELICA_CARD_NAMES.includes(name);
    }
    at += 2 + len;
  }
  return false;
}
