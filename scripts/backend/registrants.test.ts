import { describe, expect, it } from 'vitest';
import { TOKEN_KINDS } from '../../shared/contracts/sync/token.ts';
import { tokenHash } from '../../kiosk/crypto.ts';
import { importDenyList, importRegistrants } from './registrants.ts';

const FLEET = Buffer.alloc(32, 3);

describe('registrant CSV import', () => {
  it('turns cards into keyed hashes and drops every other column', () => {
    const csv = [
      '住民番号,氏名,住所,カード種別,カード番号,利用者区分,乗車回数,期間,有効開始日,有効終了日',
      '000123,山田 太郎,東京都千代田区1-1,交通系IC,0123 4567 89AB CDEF,高齢者,20,月,2026/4/1,2027/03/31',
      '000124,佐藤 花子,東京都千代田区2-2,felica-idm,fedcba9876543210,disability,,month,2026-04-01,2027-03-31',
    ].join('\r\n');
    const r = importRegistrants(csv, FLEET);
    expect(r.problems).toEqual([]);
    expect(r.ignoredColumns).toEqual(['住民番号', '氏名', '住所']);
    expect(r.rows).toEqual([
      {
        tokenHash: tokenHash(FLEET, 'felica-idm', '0123456789abcdef').toString('hex'),
        riderCategory: 'senior',
        validFrom: '2026-04-01',
        validTo: '2027-03-31',
        ridesPerPeriod: 20,
        period: 'month',
      },
      expect.objectContaining({ riderCategory: 'disability', ridesPerPeriod: null }),
    ]);
    const text = JSON.stringify(r);
    for (const personal of ['山田', '千代田', '000123', '0123456789abcdef', '0123 4567'])
      expect(text).not.toContain(personal);
  });

  it('reports problems by line and column, never by value', () => {
    const csv = [
      'card_kind,card_id,rider_category,rides_per_period,period,valid_from,valid_to,name',
      'felica-idm,NOT-AN-IDM,senior,20,month,2026-04-01,2027-03-31,Secret Person',
      'felica-idm,0123456789abcdef,senior,twenty,month,2026-04-01,2026-02-30,Secret Person',
      'suica,0123456789abcdef,senior,20,month,2026-04-01,2027-03-31,Secret Person',
    ].join('\n');
    const r = importRegistrants(csv, FLEET);
    expect(r.rows).toEqual([]);
    expect(r.problems).toEqual([
      { line: 2, column: 'card_id', problem: 'not a felica-idm identifier' },
      {
        line: 3,
        column: 'rides_per_period',
        problem: 'not a whole number (or empty for no limit)',
      },
      { line: 3, column: 'valid_to', problem: 'not a date (YYYY-MM-DD)' },
      { line: 4, column: 'card_kind', problem: `not one of ${TOKEN_KINDS.join(', ')}` },
    ]);
    expect(JSON.stringify(r)).not.toMatch(/Secret|NOT-AN-IDM|twenty/);
  });

  it('refuses a missing column and the same card with two entitlements', () => {
    expect(importRegistrants('card_kind,card_id\n', FLEET).problems[0]).toMatchObject({
      column: 'rider_category',
      problem: 'missing column',
    });
    const csv = [
      'card_kind,card_id,rider_category,rides_per_period,period,valid_from,valid_to',
      'felica-idm,0123456789abcdef,senior,20,month,2026-04-01,2027-03-31',
      'felica-idm,0123456789ABCDEF,child,20,month,2026-04-01,2027-03-31',
    ].join('\n');
    expect(importRegistrants(csv, FLEET).problems).toEqual([
      {
        line: 3,
        column: 'card_id',
        problem: 'the same card is registered twice with different entitlements',
      },
    ]);
  });

  it('reads deny lists with Japanese reasons and a default date', () => {
    const r = importDenyList(
      'カード種別,カード番号,理由\n交通系IC,0123456789abcdef,紛失\n',
      FLEET,
      '2026-11-22',
    );
    expect(r.rows).toEqual([
      {
        tokenHash: tokenHash(FLEET, 'felica-idm', '0123456789abcdef').toString('hex'),
        reason: 'lost',
        since: '2026-11-22',
      },
    ]);
  });
});
