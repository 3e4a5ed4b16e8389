/**
 * Japanese era (元号) dates for forms, pure. Each era starts on the day of its 改元 and its
 * first year is written 元年:
 *   明治 from 1868 (Gregorian in Japan only from 明治6年1月1日 = 1873-01-01, 明治5年太政官布告第337号),
 *   大正 1912-07-30 (明治45年7月29日 is the last Meiji day), 昭和 1926-12-25,
 *   平成 1989-01-08 (元号法; 昭和64年1月7日 is the last Showa day), 令和 2019-05-01 (平成31年4月30日).
 * Dates before 1873-01-01 were lunisolar and cannot be converted from a Gregorian date here.
 */
import { parseIsoDate, type CalendarDate } from '../../shared/dates.ts';

export const ERA_NAMES = ['明治', '大正', '昭和', '平成', '令和'] as const;
export type EraName = (typeof ERA_NAMES)[number];

export interface EraDate {
  readonly era: EraName;
  /** 1 for 元年. */
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

interface EraStart {
  readonly era: EraName;
  readonly start: CalendarDate;
  /** The Gregorian year that is the era's year 1. */
  readonly firstYear: number;
}

/** Newest first. 明治 is usable from the Gregorian switch, 1873-01-01 (明治6年). */
const ERAS: readonly EraStart[] = [
  { era: '令和', start: { year: 2019, month: 5, day: 1 }, firstYear: 2019 },
  { era: '平成', start: { year: 1989, month: 1, day: 8 }, firstYear: 1989 },
  { era: '昭和', start: { year: 1926, month: 12, day: 25 }, firstYear: 1926 },
  { era: '大正', start: { year: 1912, month: 7, day: 30 }, firstYear: 1912 },
  { era: '明治', start: { year: 1873, month: 1, day: 1 }, firstYear: 1868 },
];

const key = (d: CalendarDate): number => d.year * 10_000 + d.month * 100 + d.day;

/** The era date of a Gregorian date, or undefined before 1873-01-01. */
export function toEraDate(date: CalendarDate): EraDate | undefined {
  const k = key(date);
  const era = ERAS.find((e) => k >= key(e.start));
  if (!era) return undefined;
  return { era: era.era, year: date.year - era.firstYear + 1, month: date.month, day: date.day };
}

export type Digits = 'ascii' | 'fullwidth';

const FULLWIDTH_ZERO = 0xff10;

function digits(n: number, style: Digits): string {
  const text = String(n);
  return style === 'ascii'
    ? text
    : [...text].map((c) => String.fromCharCode(FULLWIDTH_ZERO + Number(c))).join('');
}

/** 'YYYY-MM-DD' → 令和元年5月1日 (or 令和元年５月１日); undefined for an invalid or pre-1873 date. */
export function formatEraDate(iso: string, style: Digits = 'ascii'): string | undefined {
  const date = parseIsoDate(iso);
  const era = date && toEraDate(date);
  if (!era) return undefined;
  const year = era.year === 1 ? '元' : digits(era.year, style);
  return `${era.era}${year}年${digits(era.month, style)}月${digits(era.day, style)}日`;
}

/** 'YYYY-MM-DD' → 2025年5月1日; undefined for an invalid date. */
export function formatGregorianDate(iso: string, style: Digits = 'ascii'): string | undefined {
  const date = parseIsoDate(iso);
  if (!date) return undefined;
  return `${digits(date.year, style)}年${digits(date.month, style)}月${digits(date.day, style)}日`;
}
