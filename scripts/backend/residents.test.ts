import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LookupResponseSchema,
  normaliseAddress,
  normaliseName,
} from '../../shared/contracts/residents.ts';
import { explain } from '../../kiosk/store/testing.ts';
import { decodeCsv } from './csv.ts';
import { memoryBackendDb } from './db.ts';
import { importResidents, myNumberHmac, ResidentRegister } from './residents.ts';

const FLEET = Buffer.alloc(32, 7);
const SAMPLE = new URL('./fixtures/sample-residents.csv', import.meta.url);
const SAMPLE_SJIS = new URL('./fixtures/sample-residents-sjis.csv', import.meta.url);
const HEADER = 'resident_id,name,birth_date,sex,address,household_id,relationship,householder';

function register(csv: string): ResidentRegister {
  const r = importResidents(csv, FLEET);
  expect(r.problems).toEqual([]);
  const reg = new ResidentRegister(memoryBackendDb(), FLEET);
  reg.replace(r.rows, 0);
  return reg;
}

const card = {
  name: '黒桐　幹也',
  address: '東京都清瀬市観布子南１２－７－２０２',
  birthDate: '1980-02-17',
  sex: 'male',
} as const;

describe('four-item normalisation', () => {
  it('unifies widths and spaces, and dashes between address numbers only', () => {
    expect(normaliseName('黒桐　幹也')).toBe(normaliseName('黒桐 幹也'));
    expect(normaliseName('ｺｸﾄｳ ﾐｷﾔ')).toBe('コクトウミキヤ');
    expect(normaliseName('ﾊﾞｰｸﾞ')).toBe('バーグ');
    expect(normaliseAddress('南１２－７－２０２')).toBe('南12-7-202');
    expect(normaliseAddress('南12ー7‐202')).toBe('南12-7-202');
    // A prolonged sound mark inside a word is not a dash.
    expect(normaliseAddress('ユーカリ１－２')).toBe('ユーカリ1-2');
  });

  it('keeps 異体字 and variation selectors: a different character is a different name', () => {
    expect(normaliseName('神田')).not.toBe(normaliseName('\uFA19田')); // 神 vs its compatibility form
    expect(normaliseName('葛\u{E0100}子')).toBe('葛\u{E0100}子');
    expect(normaliseName('𠮷野')).toBe('𠮷野');
  });

  it('property: normalising twice changes nothing, and never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        expect(normaliseAddress(normaliseAddress(s))).toBe(normaliseAddress(s));
        expect(normaliseName(normaliseName(s))).toBe(normaliseName(s));
      }),
    );
  });
});

describe('resident register', () => {
  it('imports the UTF-8 and the Shift_JIS export alike, dropping unknown columns', () => {
    const utf8 = importResidents(decodeCsv(readFileSync(SAMPLE)), FLEET);
    const sjis = importResidents(decodeCsv(readFileSync(SAMPLE_SJIS)), FLEET);
    expect(utf8.problems).toEqual([]);
    expect(sjis).toEqual(utf8);
    expect(utf8.ignoredColumns).toEqual(['備考']);
    expect(utf8.rows.map((r) => [r.record.residentId, r.record.householdSize])).toEqual([
      ['0001001', 2],
      ['0001002', 2],
      ['0002001', 1],
    ]);
    expect(utf8.rows[0]?.myNumberHmac).toBe(myNumberHmac(FLEET, '537686677188'));
    expect(JSON.stringify(utf8.rows)).not.toContain('537686677188');
  });

  it('finds a resident by the four items as the card writes them', () => {
    const reg = register(readFileSync(SAMPLE, 'utf8'));
    const found = reg.lookup(card);
    expect(found).toMatchObject({
      outcome: 'found',
      resident: {
        residentId: '0001001',
        householderName: '黒桐 幹也',
        relationship: '世帯主',
        householdSize: 2,
        residentSince: '2015-04-01',
      },
    });
    expect(LookupResponseSchema.safeParse({ ...found, serverTime: 1 }).success).toBe(true);
  });

  it('never matches on fewer than four items', () => {
    const reg = register(readFileSync(SAMPLE, 'utf8'));
    for (const wrong of [
      { ...card, sex: 'female' as const },
      { ...card, birthDate: '1980-02-18' },
      { ...card, address: '東京都清瀬市観布子南１２－７－２０３' },
      { ...card, name: '黒桐　幹' },
    ]) {
      expect(reg.lookup(wrong)).toEqual({ outcome: 'not-found' });
    }
  });

  it('two records with the same four items are ambiguous, and name nobody', () => {
    const reg = register(
      [
        HEADER,
        'A1,山田 花子,1990-01-01,女,前橋市1-1,H1,世帯主,',
        'A2,山田　花子,1990-01-01,2,前橋市１－１,H2,世帯主,',
      ].join('\n'),
    );
    expect(
      reg.lookup({
        name: '山田花子',
        address: '前橋市1-1',
        birthDate: '1990-01-01',
        sex: 'female',
      }),
    ).toEqual({
      outcome: 'ambiguous',
      candidates: 2,
    });
  });

  it('checks a My Number against the record without keeping it', () => {
    const reg = register(readFileSync(SAMPLE, 'utf8'));
    const q = { caseId: '0190a0b0-0000-7000-8000-000000000000', procedures: ['nhi-enrol'] };
    expect(reg.checkMyNumber({ ...q, residentId: '0001001', myNumber: '537686677188' })).toBe(
      'matches',
    );
    expect(reg.checkMyNumber({ ...q, residentId: '0001002', myNumber: '537686677188' })).toBe(
      'differs',
    );
    expect(reg.checkMyNumber({ ...q, residentId: '0002001', myNumber: '480503000018' })).toBe(
      'no-record',
    );
    expect(reg.checkMyNumber({ ...q, residentId: '9999', myNumber: '480503000018' })).toBe(
      'unknown-resident',
    );
  });

  it('reports problems by line and column, never by value; nothing half-imported', () => {
    const r = importResidents(
      [
        HEADER + ',my_number',
        'B1,秘密 太郎,1990-02-30,男,秘密町1,H1,世帯主,,123456789012',
        'B2,秘密 次郎,1991-01-01,X,秘密町1,H1,子,,',
        'B3,秘密 三郎,1992-01-01,男,秘密町2,H3,子,,',
        'B3,秘密 四郎,1993-01-01,男,秘密町2,H3,子,,',
      ].join('\n'),
      FLEET,
    );
    expect(r.problems).toEqual([
      { line: 2, column: 'birth_date', problem: 'not a date (YYYY-MM-DD)' },
      { line: 2, column: 'my_number', problem: 'not 12 digits with a valid check digit' },
      { line: 3, column: 'sex', problem: 'not 男, 女, 1, 2, 0 or 9' },
      { line: 5, column: 'resident_id', problem: 'the same resident twice' },
      { line: 4, column: 'householder', problem: 'no householder (世帯主) in the household' },
    ]);
    expect(JSON.stringify(r.problems)).not.toMatch(/秘密|1990-02-30|123456789012/);
  });

  it('property: any text as a register is rows or problems, never an exception', () => {
    const cell = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('男', '女', '2', '1990-01-01', '世帯主', 'H1', '123456789018', '"', ','),
    );
    fc.assert(
      fc.property(fc.array(fc.array(cell, { maxLength: 9 }), { maxLength: 6 }), (rows) => {
        const text = [HEADER, ...rows.map((r) => r.join(','))].join('\n');
        const r = importResidents(text, FLEET);
        expect(r.rows.length + r.problems.length).toBeGreaterThanOrEqual(0);
        for (const row of r.rows) expect(row.record.householdSize).toBeGreaterThanOrEqual(1);
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => void importResidents(text, FLEET)),
    );
  });

  it('looks up through an index on all four items', () => {
    const db = memoryBackendDb();
    expect(
      explain(
        db,
        `SELECT record FROM residents WHERE name_key = ? AND birth_date = ? AND sex = ? AND address_key = ? LIMIT 2`,
        'a',
        'b',
        'c',
        'd',
      ),
    ).toContain(
      'USING INDEX residents_four_items (name_key=? AND birth_date=? AND sex=? AND address_key=?)',
    );
  });
});
