import { describe, expect, it } from 'vitest';
import { columnsOf } from '../../hardware/receipt-printer/escpos.ts';
import type { ReceiptData } from './flow.ts';
import { dueText } from './messages.ts';
import { formatReceipt } from './receipt.ts';
import { exceptionsReport } from './report.ts';

const data: ReceiptData = {
  sessionId: 's',
  at: Date.parse('2026-11-22T01:30:00Z'),
  patronMask: '*0001',
  items: [
    {
      itemId: '3000000001',
      title: '吾輩は猫である / 夏目漱石'.repeat(3),
      dueDate: '2026-12-06',
      offline: false,
    },
    { itemId: '3000000006', title: undefined, dueDate: '2026-12-06', offline: true },
  ],
};

describe('receipt and staff report', () => {
  it('prints titles wrapped to the paper, due dates, the offline mark, and no name', () => {
    const r = formatReceipt(data, { columns: 32, libraryName: 'かざす市立中央図書館' });
    const texts = r.lines.flatMap((l) => (l.kind === 'text' ? [l.text] : []));
    expect(texts.every((t) => columnsOf(t) <= 32)).toBe(true);
    expect(texts).toContain('2026-11-22 10:30  利用者 *0001');
    expect(texts).toContain('  3000000001  返す日 12月6日(日)');
    expect(texts.join('\n')).toContain('  3000000006  返す日 12月6日(日)\n ※');
    expect(texts.join('')).toContain('あとで登録します');
    expect(r.lines.at(-1)).toEqual({ kind: 'cut' });
  });

  it('due dates read in plain Japanese and English, with the weekday', () => {
    expect(dueText('2026-12-06')).toEqual({ ja: '返す日 12月6日(日)', en: 'Due Sun 6 Dec' });
  });

  it('the exceptions report names item, patron, reason and what to do', () => {
    const lines = exceptionsReport([
      {
        txnId: 't1',
        itemId: '3999999999',
        patronId: 'L0001',
        occurredAt: data.at,
        dueDate: '2026-12-06',
        settledAt: data.at,
        reason: 'unknown-item',
      },
    ]);
    expect(lines[0]).toContain('1件');
    expect(lines[1]).toBe(
      '2026-11-22 10:30  資料 3999999999  利用者 L0001  返却予定 2026-12-06  理由: 資料が図書館システムに登録されていない  (t1)',
    );
    expect(exceptionsReport([])).toHaveLength(1);
  });
});
