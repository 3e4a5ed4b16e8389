/**
 * The exceptions report for staff: offline checkouts the library system refused when they
 * were forwarded. Each needs a person: the item was lent but the library system does not show
 * the loan. Staff see the patron's library id here (they must fix the record); it is kept only
 * until they mark the exception resolved. Pure.
 */
import type { ExceptionReason } from '../../shared/contracts/sync/library.ts';
import type { CheckoutException } from '../store/checkouts.ts';

const REASON_JA: Readonly<Record<ExceptionReason, string>> = {
  'unknown-item': '資料が図書館システムに登録されていない',
  'unknown-patron': '利用者が図書館システムに登録されていない',
  'on-loan-to-other': 'ほかの利用者に貸出中になっている',
  refused: '図書館システムが受け付けなかった',
};

function jst(ms: number): string {
  const d = new Date(ms + 9 * 3_600_000).toISOString();
  return `${d.slice(0, 10)} ${d.slice(11, 16)}`;
}

export function exceptionsReport(rows: readonly CheckoutException[]): string[] {
  const lines = [
    `貸出の例外（オフラインで貸し出し、図書館システムが受け付けなかったもの）: ${rows.length}件`,
  ];
  for (const r of rows) {
    lines.push(
      `${jst(r.occurredAt)}  資料 ${r.itemId}  利用者 ${r.patronId}  返却予定 ${r.dueDate ?? '-'}  ` +
        `理由: ${REASON_JA[r.reason] ?? r.reason}  (${r.txnId})`,
    );
  }
  if (rows.length > 0) {
    lines.push(
      '図書館システムで貸出を登録してから「kazasu library exceptions --resolve ID」で消してください。',
    );
  }
  return lines;
}
