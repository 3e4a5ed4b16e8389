import type { ReactNode } from 'react';
import type { CounterPrint, CounterView } from '../../../shared/contracts/ui/counter.ts';
import { useI18n } from '../i18n.tsx';
import { personLabel } from './counter-resident.tsx';
import { BLANK_TEXT, PRINT_PROBLEM_TEXT, PRINT_TEXT, SOURCE_TEXT } from './counter-codes.ts';
import { fill } from './counter-text.ts';

type Call = (method: string, params?: unknown) => void;

const REVIEWING = new Set(['review', 'printing', 'print-failed', 'awaiting-signature', 'signed']);

/** The printer's problem or the failure's reason, in words (`print/paper-out` → paper-out). */
function printProblem(p: CounterPrint): { ja: string; en: string } | undefined {
  const key = p.problem ?? p.code?.replace(/^print\//, '');
  return key ? PRINT_PROBLEM_TEXT[key] : undefined;
}

function PrintState({ print, call }: { print: CounterPrint; call: Call }): ReactNode {
  const { t, pick } = useI18n();
  const problem = printProblem(print);
  return (
    <div
      className={`print-state print-${print.state}`}
      data-testid="print-state"
      data-state={print.state}
      data-job-id={print.jobId ?? ''}
      role="status"
    >
      <p>
        <strong>{pick(PRINT_TEXT[print.state])}</strong>
        {print.jobId ? ` · ${t('ctrJobId')} ${print.jobId}` : ''}
      </p>
      {problem ? <p>{pick(problem)}</p> : null}
      {print.state === 'failed' ? (
        <button type="button" className="primary" onClick={() => call('counter.print')}>
          {t('ctrPrintAgain')}
        </button>
      ) : null}
    </div>
  );
}

/**
 * The review: every value of every form with where it came from (a badge per value: card,
 * resident record, staff, pending …), the characters to accept before printing, the print job
 * followed to its end, and the signature.
 */
export function CounterReviewPanel({ view, call }: { view: CounterView; call: Call }): ReactNode {
  const { t, pick } = useI18n();
  const review = view.staff.review;
  if (!REVIEWING.has(view.phase) || !review) return null;
  const blocking = review.flags.filter((f) => f.needsAcceptance);
  const open = blocking.filter((f) => !f.accepted);
  return (
    <section className="review" aria-labelledby="review-title" data-testid="review">
      <h3 id="review-title">
        {t('ctrReview')} ({fill(t('ctrPages'), { n: review.pages })})
      </h3>
      {review.forms.map((form) => (
        <table key={form.formId} className="review-form" data-form={form.formId}>
          <caption>{form.title}</caption>
          <thead>
            <tr>
              <th scope="col">{t('ctrField')}</th>
              <th scope="col">{t('ctrValue')}</th>
              <th scope="col">{t('ctrSource')}</th>
              <th scope="col">{t('ctrWhose')}</th>
            </tr>
          </thead>
          <tbody>
            {form.sheets.flatMap((sheet) =>
              sheet.values.map((v) => (
                <tr key={`${sheet.sheet}-${v.fieldId}-${v.row ?? ''}`} data-source={v.source}>
                  <th scope="row">{v.label}</th>
                  <td className="value">
                    {v.text ||
                      (v.reason ? `（${pick(BLANK_TEXT[v.reason] ?? { ja: '', en: '' })}）` : '')}
                  </td>
                  <td>
                    <span className={`badge badge-${v.source}`}>{pick(SOURCE_TEXT[v.source])}</span>
                  </td>
                  <td>{v.personId ? personLabel(t, v.personId) : ''}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      ))}
      {blocking.length > 0 ? (
        <div className="flags" data-testid="flags">
          <h4>{t('ctrFlags')}</h4>
          <ul>
            {blocking.map((f) => (
              <li key={f.id}>
                {f.label} {f.codePoints?.join(' ') ?? ''} ({f.kind}){' '}
                {f.accepted ? (
                  <span className="badge badge-ok">{t('ctrAccepted')}</span>
                ) : (
                  <button
                    type="button"
                    onClick={() => call('counter.acceptFlags', { ids: [f.id] })}
                  >
                    {t('ctrAcceptFlag')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {view.phase === 'review' ? (
        <button
          type="button"
          className="primary"
          disabled={open.length > 0}
          onClick={() => call('counter.confirmReview')}
        >
          {t('ctrConfirmPrint')}
        </button>
      ) : null}
      {view.staff.print ? <PrintState print={view.staff.print} call={call} /> : null}
      {view.phase === 'awaiting-signature' ? (
        <button type="button" className="primary" onClick={() => call('counter.signed')}>
          {t('ctrSignedButton')}
        </button>
      ) : null}
    </section>
  );
}
