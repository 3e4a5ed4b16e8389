import { parseIsoDate } from '../../shared/dates.ts';
import { KazasuError } from '../../shared/errors.ts';

/**
 * 照合番号B and the surface AP's birth-date key, both of which write the birth date as a
 * Japanese-era YYMMDD (card-protocols.md "Credentials"; myna-card src/data.rs
 * `verification_code_b()`: "Confirmed on a card — 1980-02-17 (昭和55) with an expiry in 2035
 * and security code 2285 gives 55021720352285"). Pure.
 *
 * Errors never quote the input: a birth date and a security code are personal data.
 */
export type CodeBErrorCode = 'mynumber/code-b-invalid';

export class CodeBError extends KazasuError<CodeBErrorCode> {}

/**
 * Era start dates (the first day of year 1 of each era), newest first. Meiji is counted from
 * the adoption of the era name on 1868-10-23 (Gregorian), as the card's issuer does.
 */
const ERAS: readonly { readonly name: string; readonly start: string }[] = [
  { name: '令和', start: '2019-05-01' },
  { name: '平成', start: '1989-01-08' },
  { name: '昭和', start: '1926-12-25' },
  { name: '大正', start: '1912-07-30' },
  { name: '明治', start: '1868-10-23' },
];

const SECURITY_CODE = /^\d{4}$/;
const MAX_ERA_YEAR = 99;

function invalid(message: string): CodeBError {
  return new CodeBError('mynumber/code-b-invalid', message);
}

export { parseIsoDate };

export interface EraDate {
  /** The era's name, e.g. 昭和. */
  readonly era: string;
  /** Year within the era, 1-based. */
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** A Gregorian 'YYYY-MM-DD' as a Japanese-era date; `mynumber/code-b-invalid` before Meiji. */
export function toEraDate(isoDate: string): EraDate {
  const date = parseIsoDate(isoDate);
  if (!date) throw invalid('birth date must be a valid YYYY-MM-DD date');
  // ISO dates of the same width compare like the dates they name.
  const era = ERAS.find((e) => isoDate >= e.start);
  if (!era) throw invalid('birth date is before the Meiji era');
  const startYear = Number(era.start.slice(0, 4));
  return { era: era.name, year: date.year - startYear + 1, month: date.month, day: date.day };
}

const two = (n: number): string => String(n).padStart(2, '0');

/** The birth date as the card writes it in keys: Japanese-era YYMMDD (6 digits). */
export function eraYymmdd(isoDate: string): string {
  const d = toEraDate(isoDate);
  if (d.year > MAX_ERA_YEAR) throw invalid('era year does not fit two digits');
  return `${two(d.year)}${two(d.month)}${two(d.day)}`;
}

/**
 * 照合番号B: era YYMMDD of the birth date + the card's expiry year (Gregorian, 4 digits) + the
 * 4-digit security code printed on the card face. Example: 1980-02-17, 2035, 2285 →
 * 55021720352285.
 */
export function verificationCodeB(
  birthDate: string,
  expiryYear: number,
  securityCode: string,
): string {
  if (!Number.isInteger(expiryYear) || expiryYear < 1000 || expiryYear > 9999) {
    throw invalid('expiry year must be a 4-digit Gregorian year');
  }
  if (!SECURITY_CODE.test(securityCode)) throw invalid('security code must be 4 digits');
  return `${eraYymmdd(birthDate)}${expiryYear}${securityCode}`;
}
