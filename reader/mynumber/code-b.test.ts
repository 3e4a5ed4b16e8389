import { describe, expect, it } from 'vitest';
import { hasErrorCode } from '../../shared/errors.ts';
import { eraYymmdd, toEraDate, verificationCodeB } from './code-b.ts';
import { isValidMyNumber, myNumberCheckDigit } from './my-number.ts';

describe('verificationCodeB', () => {
  it('reproduces the card-protocols.md vector (昭和55)', () => {
    expect(verificationCodeB('1980-02-17', 2035, '2285')).toBe('55021720352285');
  });

  it.each([
    ['1868-10-23', '明治', '011023'],
    ['1912-07-29', '明治', '450729'],
    ['1912-07-30', '大正', '010730'],
    ['1926-12-24', '大正', '151224'],
    ['1926-12-25', '昭和', '011225'],
    ['1989-01-07', '昭和', '640107'],
    ['1989-01-08', '平成', '010108'],
    ['2019-04-30', '平成', '310430'],
    ['2019-05-01', '令和', '010501'],
    ['2024-02-29', '令和', '060229'],
  ])('writes %s as %s %s', (iso, era, yymmdd) => {
    expect(toEraDate(iso).era).toBe(era);
    expect(eraYymmdd(iso)).toBe(yymmdd);
  });

  it.each([
    ['before Meiji', () => verificationCodeB('1868-10-22', 2030, '1234')],
    ['not a date', () => verificationCodeB('1980-02-30', 2030, '1234')],
    ['wrong format', () => verificationCodeB('19800217', 2030, '1234')],
    ['short security code', () => verificationCodeB('1980-02-17', 2030, '123')],
    ['non-digit security code', () => verificationCodeB('1980-02-17', 2030, '12a4')],
    ['2-digit expiry year', () => verificationCodeB('1980-02-17', 35, '1234')],
    ['fractional expiry year', () => verificationCodeB('1980-02-17', 2035.5, '1234')],
    ['Reiwa 100', () => eraYymmdd('2118-01-01')],
  ])('refuses %s with mynumber/code-b-invalid, without quoting the input', (_name, run) => {
    try {
      run();
      expect.unreachable();
    } catch (error) {
      expect(hasErrorCode(error, 'mynumber/code-b-invalid')).toBe(true);
      const message = (error as Error).message;
      expect(message).not.toMatch(/1980|1868|2118|12a4|123\b/);
    }
  });
});

describe('My Number check digit', () => {
  it('accepts the test-vector number and refuses a changed digit', () => {
    expect(myNumberCheckDigit('53768667718')).toBe(8);
    expect(isValidMyNumber('537686677188')).toBe(true);
    expect(isValidMyNumber('537686677189')).toBe(false);
    expect(isValidMyNumber('53768667718')).toBe(false);
    expect(isValidMyNumber('53768667718a')).toBe(false);
  });
});
