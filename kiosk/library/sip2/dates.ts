/**
 * SIP2 dates (SIP2 Guide "Fixed-length fields": YYYYMMDDZZZZHHMMSS). The zone is four blanks
 * for the library's local time or `   Z` for UTC; other zone strings are rare and read as local.
 * Pure: the instant comes in as milliseconds, the local offset as minutes.
 */
import { parseIsoDate } from '../../../shared/dates.ts';
import { DATE_WIDTH, JST_OFFSET_MINUTES, LOCAL_ZONE, UTC_ZONE } from './constants.ts';

const SIP2_DATE = /^(\d{4})(\d{2})(\d{2})(.{4})(\d{2})(\d{2})(\d{2})$/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/;
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** The 18-character form of `ms`, in local time at `offsetMinutes` (blank zone), or in UTC. */
export function formatSip2Date(
  ms: number,
  options: { readonly utc?: boolean; readonly offsetMinutes?: number } = {},
): string {
  const offset = options.utc ? 0 : (options.offsetMinutes ?? JST_OFFSET_MINUTES);
  const d = new Date(ms + offset * 60_000);
  return (
    `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}` +
    `${options.utc ? UTC_ZONE : LOCAL_ZONE}` +
    `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`
  );
}

/** 18 blanks: "no date" (an nb due date the SC leaves to the library system). */
export const BLANK_DATE = ' '.repeat(DATE_WIDTH);

/** The instant an 18-character date names, or undefined for blanks and impossible dates. */
export function parseSip2Date(
  text: string,
  offsetMinutes: number = JST_OFFSET_MINUTES,
): number | undefined {
  const m = SIP2_DATE.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, zone, h, mi, s] = m;
  const date = parseIsoDate(`${y}-${mo}-${d}`);
  if (!date || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  const utc = Date.UTC(date.year, date.month - 1, date.day, Number(h), Number(mi), Number(s));
  return zone === UTC_ZONE ? utc : utc - offsetMinutes * 60_000;
}

/**
 * A due date as the library system sent it (AH is free text in the SIP2 Guide: systems send
 * the 18-character form, `YYYYMMDD` or `YYYY-MM-DD`) as a calendar date `YYYY-MM-DD` in local
 * time, or undefined when it is none of those.
 */
export function dueDateOf(
  text: string | undefined,
  offsetMinutes: number = JST_OFFSET_MINUTES,
): string | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  const full = parseSip2Date(text, offsetMinutes);
  if (full !== undefined) {
    const local = new Date(full + offsetMinutes * 60_000);
    return `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  }
  const compact = COMPACT_DATE.exec(t);
  const iso = compact ? `${compact[1]}-${compact[2]}-${compact[3]}` : t.slice(0, 10);
  return parseIsoDate(iso) ? iso : undefined;
}

/** The 18-character local form of a calendar date at the end of that day (23:59:59). */
export function sip2DateOfDay(isoDate: string): string | undefined {
  const d = parseIsoDate(isoDate);
  if (!d) return undefined;
  return `${pad(d.year, 4)}${pad(d.month)}${pad(d.day)}${LOCAL_ZONE}235959`;
}
