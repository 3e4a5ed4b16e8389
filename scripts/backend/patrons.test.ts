import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PatronDocumentSchema } from '../../shared/contracts/sync/library.ts';
import { TOKEN_KINDS } from '../../shared/contracts/sync/token.ts';
import { tokenHash } from '../../kiosk/crypto.ts';
import { PatronDirectory } from '../../kiosk/library/patrons.ts';
import type { LibrarySystem } from '../../kiosk/library/library-system.ts';
import type { Json } from '../../shared/contracts/sync/canonical.ts';
import { importPatrons } from './patrons.ts';

const FLEET = Buffer.alloc(32, 5);
const key = (kind: (typeof TOKEN_KINDS)[number], id: string): string =>
  tokenHash(FLEET, kind, id).toString('hex');

describe('patron linkage CSV import', () => {
  it('hashes every card, keys each patron’s own library card, drops names and other columns', () => {
    const csv = [
      '氏名,カード種別,カード番号,利用者番号,貸出停止,停止理由,有効期限,電話番号',
      '図書 花子,交通系IC,0123 4567 89AB CDEF,L0001,いいえ,,2030/3/31,090-0000-0000',
      '図書 花子,図書館カード,L0001,L0001,0,,2030-03-31,090-0000-0000',
      '延滞 太郎,ICカード,fedcba9876543210,L0002,はい,延滞,,',
    ].join('\r\n');
    const r = importPatrons(csv, FLEET);
    expect(r.problems).toEqual([]);
    expect(r.ignoredColumns).toEqual(['氏名', '電話番号']);
    expect(r).toMatchObject({ patrons: 2, blocked: 1 });
    const byKey = Object.fromEntries(r.rows.map((row) => [row.key, row.value]));
    const hanako = { patronId: 'L0001', status: 'active', validTo: '2030-03-31' };
    const taro = { patronId: 'L0002', status: 'blocked', block: 'fines' };
    expect(byKey).toEqual({
      [key('felica-idm', '0123456789abcdef')]: hanako,
      [key('library-card', 'L0001')]: hanako,
      [key('felica-idm', 'fedcba9876543210')]: taro,
      [key('library-card', 'L0002')]: taro, // listed only by its IC card
    });
    for (const v of Object.values(byKey)) expect(PatronDocumentSchema.parse(v)).toEqual(v);
    const text = JSON.stringify(r);
    for (const personal of ['花子', '太郎', '090', '0123456789abcdef', 'fedcba9876543210'])
      expect(text).not.toContain(personal);
  });

  it('the documents are what the kiosk looks patrons up in', async () => {
    const r = importPatrons(
      'card_kind,card_id,patron_id,blocked,offline_limit\nfelica-idm,0123456789abcdef,L0005,no,2\n',
      FLEET,
    );
    const docs = new Map<string, Json>(r.rows.map((row) => [row.key, row.value]));
    const unreachable = (): never => {
      throw Object.assign(new Error('down'), { code: 'library/sip2-unreachable' });
    };
    const system = { patronStatus: unreachable } as unknown as LibrarySystem;
    const directory = new PatronDirectory({
      fleetKey: FLEET,
      document: (k) => docs.get(k),
      system,
      policy: { acceptIcCard: true, acceptMyNumberCard: false, offlineEnabled: true },
      linkDown: () => true,
    });
    const viaCard = await directory.identify({ kind: 'ic-card', idm: '0123456789ABCDEF' }, 0);
    expect(viaCard).toMatchObject({
      ok: true,
      patron: { patronId: 'L0005', mode: 'offline', cached: { offlineLimit: 2 } },
    });
    const viaBarcode = await directory.identify({ kind: 'library-card', barcode: 'l0005' }, 0);
    expect(viaBarcode).toMatchObject({ ok: true, patron: { patronId: 'L0005' } });
  });

  it('reports problems by line and column, never by value; nothing is kept from a bad line', () => {
    const csv = [
      'card_kind,card_id,patron_id,blocked,block_reason,valid_to,offline_limit,name',
      'suica,0123456789abcdef,L0001,0,,,,Secret Person',
      'felica-idm,NOT-AN-IDM,L0001,0,,,,Secret Person',
      'felica-idm,0123456789abcdef,L!,maybe,,2030-02-30,999,Secret Person',
      'felica-idm,0123456789abcdef,L0001,0,紛失,,,Secret Person',
    ].join('\n');
    const r = importPatrons(csv, FLEET);
    expect(r.rows).toEqual([]);
    expect(r.problems).toEqual([
      { line: 2, column: 'card_kind', problem: `not one of ${TOKEN_KINDS.join(', ')}` },
      { line: 3, column: 'card_id', problem: 'not a felica-idm identifier' },
      { line: 4, column: 'patron_id', problem: 'not a library card number' },
      { line: 4, column: 'blocked', problem: 'not yes or no (1/0, はい/いいえ)' },
      { line: 4, column: 'valid_to', problem: 'not a date (YYYY-MM-DD)' },
      { line: 4, column: 'offline_limit', problem: 'not a whole number from 0 to 100' },
      { line: 5, column: 'block_reason', problem: 'given for a patron not blocked' },
    ]);
    expect(JSON.stringify(r)).not.toMatch(/Secret|NOT-AN-IDM|suica|maybe/);
  });

  it('refuses a missing column, a card linked to two patrons and a patron whose lines disagree', () => {
    expect(importPatrons('card_kind,card_id,patron_id\n', FLEET).problems).toEqual([
      { line: 1, column: 'blocked', problem: 'missing column' },
    ]);
    const r = importPatrons(
      [
        'card_kind,card_id,patron_id,blocked',
        'felica-idm,0123456789abcdef,L0001,0',
        'felica-idm,0123456789abcdef,L0002,0',
        'library-card,L0001,L0001,1',
      ].join('\n'),
      FLEET,
    );
    expect(r.problems).toEqual([
      { line: 3, column: 'card_id', problem: 'the same card is linked to two patrons' },
      {
        line: 4,
        column: 'patron_id',
        problem: 'the same patron has different details on another line',
      },
    ]);
  });

  it('whatever the bytes, it returns rows and problems and never throws', () => {
    const cell = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('felica-idm', 'library-card', '0123456789abcdef', 'L0001', '1', 'はい', '"'),
    );
    const line = fc.array(cell, { maxLength: 8 }).map((cells) => cells.join(','));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 6 }), (lines) => {
        const text = ['card_kind,card_id,patron_id,blocked,valid_to', ...lines].join('\n');
        const r = importPatrons(text, FLEET);
        for (const row of r.rows)
          expect(PatronDocumentSchema.safeParse(row.value).success).toBe(true);
        expect(r.rows.length === 0 || r.patrons > 0).toBe(true);
      }),
    );
  });
});
