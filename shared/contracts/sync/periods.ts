/**
 * Allowance periods as keys both sides compute alike. Japan has one time zone with no daylight
 * saving (JST = UTC+9), so a fixed offset is exact; a municipality's day, month and fiscal year
 * (会計年度, April to March, 地方自治法 第208条) are in JST whatever the device clock's zone.
 */
import type { AllowancePeriod } from './datasets.ts';

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;
const FISCAL_YEAR_FIRST_MONTH = 4;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `2026-11-22` (day), `2026-11` (month) or `FY2026` (fiscal year) for the instant `atMs`. */
export function periodKey(period: AllowancePeriod, atMs: number): string {
  const jst = new Date(atMs + JST_OFFSET_MS);
  const year = jst.getUTCFullYear();
  const month = jst.getUTCMonth() + 1;
  switch (period) {
    case 'day':
      return `${pad(year, 4)}-${pad(month)}-${pad(jst.getUTCDate())}`;
    case 'month':
      return `${pad(year, 4)}-${pad(month)}`;
    case 'fiscal-year':
      return `FY${pad(month >= FISCAL_YEAR_FIRST_MONTH ? year : year - 1, 4)}`;
  }
}

/** The JST calendar date of an instant, `YYYY-MM-DD` (for validFrom/validTo checks). */
export function jstDate(atMs: number): string {
  return periodKey('day', atMs);
}
