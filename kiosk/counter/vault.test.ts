import { describe, expect, it } from 'vitest';
import type { ResidentRecord } from '../../shared/contracts/residents.ts';
import { CaseVault } from './vault.ts';

const card = {
  name: '渡邉\u{E0110}　𠮷美',
  address: '東京都練馬区豊玉北６丁目１２番１号',
  birthDate: '1989-01-08',
  sex: 'female',
} as const;
const record: ResidentRecord = {
  residentId: 'R-9',
  name: '渡邉\u{E0110} 𠮷美',
  birthDate: '1989-01-08',
  sex: 'female',
  address: '東京都練馬区豊玉北6丁目12番1号',
  householdId: 'H9',
  householderName: '渡邉 健太',
  relationship: '妻',
  householdSize: 2,
};

describe('case vault', () => {
  it('gives each person back exactly what was put, byte for byte, and wipes it', () => {
    const v = new CaseVault();
    v.putCard('p1', card);
    v.putResident('p1', record);
    v.putStaffInput('p1', 'kana', 'ワタナベ ヨシミ');
    v.putStaffInput(undefined, 'copies', '2');
    const p = v.casePerson('p1');
    expect(p.card).toEqual(card);
    expect(p.resident).toMatchObject({
      state: 'found',
      record: { householderName: '渡邉 健太', relationship: '妻' },
    });
    expect(p.staff).toEqual({ kana: 'ワタナベ ヨシミ' });
    expect(v.residentId('p1')).toBe('R-9');
    expect(v.heldBytes).toBeGreaterThan(100);
    v.wipeAll();
    expect(v.heldBytes).toBe(0);
    expect(v.casePerson('p1')).toEqual({
      personId: 'p1',
      card: undefined,
      resident: { state: 'not-requested' },
      staff: {},
    });
    expect(v.caseStaffInputs()).toEqual({});
  });

  it('one person is wiped without touching another', () => {
    const v = new CaseVault();
    v.putCard('p1', card);
    v.putCard('p2', { ...card, name: '渡邉\u{E0110}　髙志' });
    v.wipePerson('p1');
    expect(v.card('p1')).toBeUndefined();
    expect(v.card('p2')?.name).toBe('渡邉\u{E0110}　髙志');
  });

  it('person keys match the register’s four-item normalisation; hashes die with the vault', () => {
    const v = new CaseVault();
    const same = v.personKey({
      ...card,
      name: '渡邉\u{E0110} 𠮷美',
      address: '東京都練馬区豊玉北6丁目12番1号',
    });
    expect(v.personKey(card)).toBe(same);
    expect(v.personKey({ ...card, sex: 'male' })).not.toBe(same);
    expect(v.personKey({ ...card, name: '渡辺　𠮷美' })).not.toBe(same);
    expect(new CaseVault().personKey(card)).not.toBe(same); // another vault, another key
    const before = v.hash('card', 'ABC');
    v.destroy();
    expect(v.hash('card', 'ABC')).not.toBe(before);
  });

  it('a pending or failed look-up is pending for the forms', () => {
    const v = new CaseVault();
    v.putCard('p1', card);
    v.setLookup('p1', 'pending');
    expect(v.casePerson('p1').resident).toEqual({ state: 'pending' });
    v.setLookup('p1', 'ambiguous');
    expect(v.casePerson('p1').resident).toEqual({ state: 'ambiguous' });
  });
});
