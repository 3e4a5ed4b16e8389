import { describe, expect, it } from 'vitest';
import { BLANK_DATE, formatSip2Date } from '../dates.ts';
import type { MessageOf } from '../messages.ts';
import { SIM, defaultLibraryData } from './data.ts';
import { SimulatedLibrary } from './library.ts';

const NOW = Date.parse('2026-11-22T01:30:00Z');
const checkout = (patronId: string, itemId: string, noBlock = false): MessageOf<'11'> => ({
  code: '11',
  scRenewalPolicy: false,
  noBlock,
  transactionDate: formatSip2Date(NOW - 3_600_000),
  nbDueDate: noBlock ? '20261201    235959' : BLANK_DATE,
  institutionId: SIM.institution,
  patronId,
  itemId,
});
const P = SIM.patrons;
const I = SIM.items;

describe('simulated library system', () => {
  it('lends, and refuses blocks, holds, limits, lost items and loans to others', () => {
    const lib = new SimulatedLibrary(defaultLibraryData());
    const ok = (p: string, i: string, nb = false) => {
      const r = lib.handle(checkout(p, i, nb), NOW);
      return r.code === '12' ? [r.ok, r.screenMessage?.[0]] : ['wrong reply'];
    };
    expect(ok(P.ok, I.cat)).toEqual([true, undefined]);
    expect(ok(P.fines, I.botchan)).toEqual([false, '貸出が停止されています']);
    expect(ok(P.ok, I.kokoro)).toEqual([false, 'ほかの利用者の予約資料です']);
    expect(ok(P.second, I.kokoro)).toEqual([true, undefined]); // the hold's own patron
    expect(ok(P.atLimit, I.botchan)).toEqual([false, '貸出冊数の上限です']);
    expect(ok(P.ok, I.melos)).toEqual([false, '紛失・不明の資料です']);
    expect(ok(P.ok, I.nightTrain)).toEqual([false, 'ほかの利用者に貸出中です']);
    expect(ok(P.ok, I.unknown)).toEqual([false, '資料が登録されていません']);
  });

  it('no-block overrides blocks and holds, keeps the terminal’s due date, and not someone else’s loan', () => {
    const lib = new SimulatedLibrary(defaultLibraryData());
    const r = lib.handle(checkout(P.fines, I.kokoro, true), NOW);
    expect(r).toMatchObject({ code: '12', ok: true, dueDate: '20261201    235959' });
    expect(lib.handle(checkout(P.ok, I.nightTrain, true), NOW)).toMatchObject({ ok: false });
    expect(lib.checkouts.at(0)).toMatchObject({
      noBlock: true,
      transactionDate: formatSip2Date(NOW - 3_600_000),
    });
  });

  it('reports patron status flags and item circulation status', () => {
    const lib = new SimulatedLibrary(defaultLibraryData());
    const info = lib.handle(
      {
        code: '63',
        language: '014',
        transactionDate: formatSip2Date(NOW),
        summary: ' '.repeat(10),
        institutionId: 'x',
        patronId: P.cardLost,
      },
      NOW,
    );
    expect(info).toMatchObject({ code: '64', patronStatus: 'YY  Y         ', validPatron: 'Y' });
    const item = lib.handle(
      { code: '17', transactionDate: formatSip2Date(NOW), institutionId: 'x', itemId: I.kokoro },
      NOW,
    );
    expect(item).toMatchObject({
      code: '18',
      circulationStatus: '08',
      titleId: 'こころ / 夏目漱石',
    });
    lib.online = false;
    expect(
      lib.handle({ code: '99', statusCode: '0', maxPrintWidth: 40, protocolVersion: '2.00' }, NOW),
    ).toMatchObject({
      code: '98',
      onlineStatus: false,
    });
  });
});
