/**
 * The checkout receipt as printer lines: what was borrowed and when it is due, in Japanese,
 * wrapped to the paper's width. The patron's id is masked; no name is printed (a receipt left
 * on the machine must not say who borrowed what). Pure.
 */
import {
  wrapColumns,
  type Receipt,
  type ReceiptLine,
} from '../../hardware/receipt-printer/escpos.ts';
import type { ReceiptData } from './flow.ts';
import { dueText } from './messages.ts';

export interface ReceiptStyle {
  readonly columns: number;
  readonly libraryName?: string | undefined;
  /** Minutes east of UTC for the printed time (JST by default). */
  readonly utcOffsetMinutes?: number;
}

type TextLine = Extract<ReceiptLine, { kind: 'text' }>;

const text = (t: string, extra: Partial<TextLine> = {}): ReceiptLine => ({
  kind: 'text',
  text: t,
  ...extra,
});

function localTime(ms: number, offsetMinutes: number): string {
  const d = new Date(ms + offsetMinutes * 60_000).toISOString();
  return `${d.slice(0, 10)} ${d.slice(11, 16)}`;
}

export function formatReceipt(data: ReceiptData, style: ReceiptStyle): Receipt {
  const width = style.columns;
  const lines: ReceiptLine[] = [];
  /** Every line is wrapped: a narrow roll must not lose the end of a due date. */
  const add = (t: string, extra: Partial<TextLine> = {}): void => {
    for (const l of wrapColumns(t, width)) lines.push(text(l, extra));
  };
  if (style.libraryName) add(style.libraryName, { align: 'center', bold: true });
  add('貸出票 / Checkout receipt', { align: 'center' });
  add(`${localTime(data.at, style.utcOffsetMinutes ?? 540)}  利用者 ${data.patronMask}`);
  add('-'.repeat(width));
  for (const item of data.items) {
    // Offline, the title is not known: the barcode alone names the item.
    if (item.title) add(item.title);
    const due = item.dueDate ? dueText(item.dueDate).ja : '返す日はカウンターで';
    add(`  ${item.itemId}  ${due}${item.offline ? ' ※' : ''}`);
  }
  add('-'.repeat(width));
  add(`${data.items.length}冊 / ${data.items.length} item(s)`);
  if (data.items.some((i) => i.offline)) add('※ 図書館のシステムにあとで登録します');
  add('ご利用ありがとうございました');
  lines.push({ kind: 'feed', lines: 3 }, { kind: 'cut' });
  return { lines };
}
