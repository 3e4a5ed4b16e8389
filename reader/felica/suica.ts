import { parseIsoDate, type CalendarDate } from '../../shared/dates.ts';
import { ReaderError } from '../errors.ts';
import type { FelicaAccess } from './access.ts';
import { BLOCK_SIZE, MAX_BLOCKS_PER_READ, SERVICE, SUICA_HISTORY_DEPTH } from './constants.ts';
import { felicaError } from './frames.ts';

/**
 * Suica-family (サイバネ規格) history and balance, for `kazasu card info` diagnostics and tests.
 *
 * Privacy: a rider's history says where and when they travelled. Never store it, never log it,
 * never send it anywhere; the validator uses only the IDm, hashed (card-protocols.md "FeliCa",
 * anchors.md B.3). Decoded entries live in memory for the screen that shows them, no longer.
 *
 * History block layout (anchors.md B.2, after libpafe-ruby `sample/suica.rb` `parse_history`,
 * unpack 'CCnnCCCCvN'):
 *   0 device type (機器種別)      1 usage type (利用種別)     2 payment type     3 entry/exit type
 *   4–5 date: year−2000 in 7 bits, month in 4, day in 5 (big-endian)
 *   6–7 entry code (line, station — for buses operator, stop)   8–9 exit code
 *   10–11 balance after the transaction, little-endian          12–14 serial   15 region
 * A block of zeros is an unused slot of the cyclic service.
 */
export interface SuicaHistoryEntry {
  readonly deviceType: number;
  readonly usageType: number;
  readonly paymentType: number;
  readonly entryExitType: number;
  /** 'YYYY-MM-DD', 2000-01-01 .. 2127-12-31. */
  readonly date: string;
  readonly entryCode: number;
  readonly exitCode: number;
  /** Yen left on the card after this transaction. */
  readonly balance: number;
  readonly serial: number;
  readonly region: number;
}

export interface DecodedSuicaHistory extends SuicaHistoryEntry {
  /** Device and usage in words; unknown codes show as hex. */
  readonly labels: { readonly ja: string; readonly en: string };
}

type Label = readonly [ja: string, en: string];

/** 機器種別, after libpafe-ruby `sample/suica.rb` Type1 (anchors.md B.2). */
const DEVICE_TYPES: ReadonlyMap<number, Label> = new Map<number, Label>([
  [0x03, ['精算機', 'fare adjustment machine']],
  [0x05, ['車載端末', 'on-bus terminal']],
  [0x07, ['券売機', 'ticket machine']],
  [0x08, ['券売機', 'ticket machine']],
  [0x09, ['入金機', 'charge machine']],
  [0x12, ['券売機', 'ticket machine']],
  [0x14, ['券売機等', 'ticket machine']],
  [0x15, ['券売機等', 'ticket machine']],
  [0x16, ['改札機', 'ticket gate']],
  [0x17, ['簡易改札機', 'simple gate']],
  [0x18, ['窓口端末', 'station counter']],
  [0x19, ['窓口端末', 'station counter']],
  [0x1a, ['改札端末', 'gate terminal']],
  [0x1b, ['携帯電話', 'mobile phone']],
  [0x1c, ['乗継精算機', 'transfer adjustment machine']],
  [0x1d, ['連絡改札機', 'transfer gate']],
  [0x1f, ['簡易入金機', 'simple charge machine']],
  [0x23, ['新幹線改札機', 'Shinkansen gate']],
  [0x46, ['VIEW ALTTE', 'VIEW ALTTE']],
  [0x48, ['VIEW ALTTE', 'VIEW ALTTE']],
  [0xc7, ['物販端末', 'shop terminal']],
  [0xc8, ['自販機', 'vending machine']],
]);

/** 利用種別, after libpafe-ruby `sample/suica.rb` Type2 (anchors.md B.2). */
const USAGE_TYPES: ReadonlyMap<number, Label> = new Map<number, Label>([
  [0x01, ['運賃支払(改札出場)', 'fare (gate exit)']],
  [0x02, ['チャージ', 'charge']],
  [0x03, ['磁気券購入', 'ticket purchase']],
  [0x04, ['精算', 'fare adjustment']],
  [0x05, ['入場精算', 'entry adjustment']],
  [0x06, ['改札窓口処理', 'gate counter']],
  [0x07, ['新規発行', 'new issue']],
  [0x08, ['窓口控除', 'counter deduction']],
  [0x0d, ['バス', 'bus fare']],
  [0x0f, ['バス', 'bus fare']],
  [0x11, ['再発行処理', 'reissue']],
  [0x13, ['支払(新幹線利用)', 'fare (Shinkansen)']],
  [0x14, ['入場時オートチャージ', 'auto-charge at entry']],
  [0x15, ['出場時オートチャージ', 'auto-charge at exit']],
  [0x1f, ['バスチャージ', 'charge on bus']],
  [0x23, ['バス路面電車企画券購入', 'bus/tram pass purchase']],
  [0x46, ['物販', 'purchase']],
  [0x48, ['特典チャージ', 'bonus charge']],
  [0x49, ['レジ入金', 'charge at till']],
  [0x4a, ['物販取消', 'purchase cancelled']],
  [0x4b, ['入場物販', 'purchase inside gates']],
  [0xc6, ['現金併用物販', 'purchase with cash']],
  [0xcb, ['入場現金併用物販', 'purchase with cash inside gates']],
  [0x84, ['他社精算', 'adjustment (other operator)']],
  [0x85, ['他社入場精算', 'entry adjustment (other operator)']],
]);

function label(table: ReadonlyMap<number, Label>, code: number): Label {
  const hex = `0x${code.toString(16).toUpperCase().padStart(2, '0')}`;
  return table.get(code) ?? [`不明(${hex})`, `unknown (${hex})`];
}

function checkBlock(block: Uint8Array): void {
  if (block.length !== BLOCK_SIZE) {
    throw felicaError(
      'block-length',
      `a history block is ${BLOCK_SIZE} bytes, got ${block.length}`,
      {
        length: block.length,
      },
    );
  }
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** One history block, or undefined for an empty (all-zero) slot. */
export function decodeSuicaHistory(block: Uint8Array): DecodedSuicaHistory | undefined {
  checkBlock(block);
  if (block.every((b) => b === 0)) return undefined;
  const b = (i: number): number => block[i] as number;
  const packed = (b(4) << 8) | b(5);
  const year = 2000 + (packed >> 9);
  const month = (packed >> 5) & 0x0f;
  const day = packed & 0x1f;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw felicaError('invalid-date', 'the history block carries a date that does not exist');
  }
  const [deviceJa, deviceEn] = label(DEVICE_TYPES, b(0));
  const [usageJa, usageEn] = label(USAGE_TYPES, b(1));
  return {
    deviceType: b(0),
    usageType: b(1),
    paymentType: b(2),
    entryExitType: b(3),
    date: `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`,
    entryCode: (b(6) << 8) | b(7),
    exitCode: (b(8) << 8) | b(9),
    balance: b(10) | (b(11) << 8),
    serial: (b(12) << 16) | (b(13) << 8) | b(14),
    region: b(15),
    labels: { ja: `${deviceJa} ${usageJa}`, en: `${deviceEn}, ${usageEn}` },
  };
}

/** Year, month and day of a 'YYYY-MM-DD' a history block can carry (2000..2127), or undefined. */
export function parseSuicaDate(date: string): CalendarDate | undefined {
  const parsed = parseIsoDate(date);
  return parsed && parsed.year >= 2000 && parsed.year <= 2127 ? parsed : undefined;
}

function field(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw felicaError('invalid-argument', `${name} must be an integer in 0..${max}`, {
      field: name,
    });
  }
  return value;
}

/** The exact inverse of decodeSuicaHistory (the simulator writes its profile with it). */
export function encodeSuicaHistory(entry: SuicaHistoryEntry): Uint8Array {
  const date = parseSuicaDate(entry.date);
  if (!date)
    throw felicaError('invalid-argument', 'date must be a real day in YYYY-MM-DD, 2000..2127', {
      field: 'date',
    });
  const packed = ((date.year - 2000) << 9) | (date.month << 5) | date.day;
  const entryCode = field('entryCode', entry.entryCode, 0xffff);
  const exitCode = field('exitCode', entry.exitCode, 0xffff);
  const balance = field('balance', entry.balance, 0xffff);
  const serial = field('serial', entry.serial, 0xffffff);
  return Uint8Array.of(
    field('deviceType', entry.deviceType, 0xff),
    field('usageType', entry.usageType, 0xff),
    field('paymentType', entry.paymentType, 0xff),
    field('entryExitType', entry.entryExitType, 0xff),
    packed >> 8,
    packed & 0xff,
    entryCode >> 8,
    entryCode & 0xff,
    exitCode >> 8,
    exitCode & 0xff,
    balance & 0xff,
    balance >> 8,
    serial >> 16,
    (serial >> 8) & 0xff,
    serial & 0xff,
    field('region', entry.region, 0xff),
  );
}

/**
 * Attribute block (service 0x008B, block 0): byte 8 card type (high nibble) and area (low
 * nibble), bytes 11–12 balance little-endian, bytes 14–15 transaction counter (big-endian).
 * Layout after the Swift `Suica+CardInformation.swift` (Tatsuya Tanaka, 2019) and the
 * StrawhatNet SuicaReader's "属性情報 (service code: 0x008b)" (anchors.md B.2).
 */
export interface SuicaAttributes {
  readonly cardType: number;
  readonly area: number;
  readonly balance: number;
  readonly transactionCounter: number;
}

export function decodeSuicaAttributes(block: Uint8Array): SuicaAttributes {
  checkBlock(block);
  const b = (i: number): number => block[i] as number;
  return {
    cardType: b(8) >> 4,
    area: b(8) & 0x0f,
    balance: b(11) | (b(12) << 8),
    transactionCounter: (b(14) << 8) | b(15),
  };
}

export function encodeSuicaAttributes(attributes: SuicaAttributes): Uint8Array {
  const out = new Uint8Array(BLOCK_SIZE);
  out[8] =
    (field('cardType', attributes.cardType, 0x0f) << 4) | field('area', attributes.area, 0x0f);
  const balance = field('balance', attributes.balance, 0xffff);
  out[11] = balance & 0xff;
  out[12] = balance >> 8;
  const counter = field('transactionCounter', attributes.transactionCounter, 0xffff);
  out[14] = counter >> 8;
  out[15] = counter & 0xff;
  return out;
}

function isFelicaReason(error: unknown, ...reasons: readonly string[]): boolean {
  return (
    error instanceof ReaderError &&
    error.code === 'reader/felica' &&
    reasons.includes(String(error.details['reason']))
  );
}

/**
 * Reads history newest first, stopping at the first empty slot. Blocks are read up to 15 per
 * command; a card whose history holds fewer blocks than asked (the depth differs by product,
 * anchors.md B.2) ends the read where its blocks end.
 */
export async function readSuicaHistory(
  access: FelicaAccess,
  maxEntries: number = SUICA_HISTORY_DEPTH,
): Promise<DecodedSuicaHistory[]> {
  if (!Number.isInteger(maxEntries) || maxEntries < 0 || maxEntries > 0xffff) {
    throw felicaError(
      'invalid-argument',
      `maxEntries must be an integer in 0..65535, got ${maxEntries}`,
    );
  }
  const out: DecodedSuicaHistory[] = [];
  for (let first = 0; first < maxEntries; first += MAX_BLOCKS_PER_READ) {
    const numbers = Array.from(
      { length: Math.min(MAX_BLOCKS_PER_READ, maxEntries - first) },
      (_, i) => first + i,
    );
    let blocks: Uint8Array[];
    try {
      blocks = await access.readBlocks(SERVICE.HISTORY, numbers);
    } catch (error) {
      if (!isFelicaReason(error, 'block-out-of-range')) throw error;
      blocks = await readUntilOutOfRange(access, numbers);
    }
    for (const block of blocks) {
      const entry = decodeSuicaHistory(block);
      if (!entry) return out;
      out.push(entry);
    }
    if (blocks.length < numbers.length) return out;
  }
  return out;
}

/** One block at a time, until the card says the block is beyond the service. */
async function readUntilOutOfRange(
  access: FelicaAccess,
  numbers: readonly number[],
): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const n of numbers) {
    try {
      out.push(...(await access.readBlocks(SERVICE.HISTORY, [n])));
    } catch (error) {
      if (isFelicaReason(error, 'block-out-of-range')) return out;
      throw error;
    }
  }
  return out;
}

export interface SuicaBalance {
  readonly balance: number;
  readonly source: 'attributes' | 'history';
}

/**
 * The balance: from the attribute service when the card has it, else from the newest history
 * entry. Undefined when neither says (no attribute service and an empty history).
 */
export async function readBalance(access: FelicaAccess): Promise<SuicaBalance | undefined> {
  try {
    const [block] = await access.readBlocks(SERVICE.ATTRIBUTES, [0]);
    if (block) return { balance: decodeSuicaAttributes(block).balance, source: 'attributes' };
  } catch (error) {
    if (!isFelicaReason(error, 'service-not-found', 'block-out-of-range', 'status-flags'))
      throw error;
  }
  const [newest] = await access.readBlocks(SERVICE.HISTORY, [0]);
  const entry = newest ? decodeSuicaHistory(newest) : undefined;
  return entry ? { balance: entry.balance, source: 'history' } : undefined;
}
