import { useState, type ReactNode } from 'react';
import {
  STAFF_CHECK_REASONS,
  type CounterCard,
  type CounterView,
} from '../../../shared/contracts/ui/counter.ts';
import { useI18n, type StringKey } from '../i18n.tsx';
import { CounterProcedures } from './counter-procedures.tsx';
import { personLabel } from './counter-resident.tsx';
import { CounterReviewPanel } from './counter-review.tsx';
import {
  LOOKUP_TEXT,
  MY_NUMBER_TEXT,
  NOTICE_TEXT,
  PHASE_TEXT,
  STAFF_REASON_TEXT,
} from './counter-codes.ts';
import { fill } from './counter-text.ts';

type Call = (method: string, params?: unknown) => void;

const METHOD_KEYS: Record<string, StringKey> = {
  pin: 'ctrMethodPin',
  face: 'ctrMethodFace',
  'staff-check': 'ctrMethodStaff',
};

const CODE_B = /^\d{14}$/;

function time(at: number, lang: string): string {
  return new Date(at).toLocaleTimeString(lang === 'ja' ? 'ja-JP' : 'en-GB', {
    hour: '2-digit',
    minute: '2-digit',
  });
}

function Persons({ view }: { view: CounterView }): ReactNode {
  const { t, pick, lang } = useI18n();
  if (view.staff.persons.length === 0) return null;
  return (
    <table className="persons" data-testid="persons">
      <caption>{t('ctrPersons')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('ctrWhose')}</th>
          <th scope="col">{t('ctrMethod')}</th>
          <th scope="col">{t('ctrConsent')}</th>
          <th scope="col">{t('ctrLookup')}</th>
          <th scope="col">{t('ctrMyNumber')}</th>
        </tr>
      </thead>
      <tbody>
        {view.staff.persons.map((p) => (
          <tr key={p.id} data-person={p.id}>
            <th scope="row">{personLabel(t, p.id)}</th>
            <td>
              {t(METHOD_KEYS[p.method] ?? 'ctrMethodPin')}
              {p.staffReason
                ? `（${pick(STAFF_REASON_TEXT[p.staffReason] ?? { ja: '', en: '' })}）`
                : ''}
            </td>
            <td>
              {p.consent
                ? fill(t('ctrConsentAt'), {
                    answer: t(p.consent.answer === 'agreed' ? 'ctrAgreed' : 'ctrDeclined'),
                    time: time(p.consent.at, lang),
                  })
                : t('ctrNotYet')}
            </td>
            <td data-testid={`lookup-${p.id}`}>
              {pick(LOOKUP_TEXT[p.lookup] ?? { ja: p.lookup, en: p.lookup })}
            </td>
            <td>{pick(MY_NUMBER_TEXT[p.myNumber] ?? { ja: p.myNumber, en: p.myNumber })}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** 照合番号B, keyed by staff from the card face: masked, never kept after it is sent. */
function CodeBEntry({ call }: { call: Call }): ReactNode {
  const { t } = useI18n();
  const [codeB, setCodeB] = useState('');
  return (
    <form
      className="staff-row"
      onSubmit={(e) => {
        e.preventDefault();
        if (!CODE_B.test(codeB)) return;
        call('counter.enterCodeB', { codeB });
        setCodeB('');
      }}
    >
      <label htmlFor="code-b">{t('ctrCodeB')}</label>
      <input
        id="code-b"
        type="password"
        inputMode="numeric"
        autoComplete="off"
        maxLength={14}
        value={codeB}
        aria-describedby="code-b-help"
        onChange={(e) => setCodeB(e.target.value.replace(/\D/g, ''))}
      />
      <button type="submit" className="primary" disabled={!CODE_B.test(codeB)}>
        {t('ctrCodeBSend')}
      </button>
      <p id="code-b-help" className="help">
        {t('ctrCodeBHelp')}
      </p>
    </form>
  );
}

function StaffCheck({ call }: { call: Call }): ReactNode {
  const { t, pick } = useI18n();
  const [reason, setReason] = useState<(typeof STAFF_CHECK_REASONS)[number]>('pin-forgotten');
  return (
    <div className="staff-row">
      <p className="help">{t('ctrStaffPhotoNote')}</p>
      <label htmlFor="staff-reason">{t('ctrStaffReason')}</label>
      <select
        id="staff-reason"
        value={reason}
        onChange={(e) => setReason(e.target.value as (typeof STAFF_CHECK_REASONS)[number])}
      >
        {STAFF_CHECK_REASONS.map((r) => (
          <option key={r} value={r}>
            {pick(STAFF_REASON_TEXT[r] ?? { ja: r, en: r })}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="primary"
        onClick={() => call('counter.staffCheck', { reason })}
      >
        {t('ctrStaffConfirm')}
      </button>
    </div>
  );
}

/** The card on the reader: tries left, the method, and what staff key in for it. */
function CardPanel({
  view,
  card,
  call,
}: {
  view: CounterView;
  card: CounterCard;
  call: Call;
}): ReactNode {
  const { t } = useI18n();
  const p = view.phase;
  const needsCodeB = p === 'code-b-entry' || (p === 'staff-check' && !card.faceReady);
  return (
    <section className="staff-card" aria-labelledby="staff-card-title" data-testid="staff-card">
      <h3 id="staff-card-title">
        {t('ctrCardOnReader')}: {personLabel(t, card.person)}
      </h3>
      <p>
        {card.pin.state === 'blocked'
          ? t('ctrPinBlocked')
          : fill(t('ctrPinTries'), { n: card.pin.triesLeft ?? 0 })}
        {' · '}
        {card.faceAvailable
          ? fill(t('ctrFaceTries'), { n: card.faceTriesLeft })
          : t('ctrFaceUnavailable')}
      </p>
      {!card.read && card.purpose === 'new-person' ? (
        <div className="staff-actions" role="group" aria-label={t('ctrMethod')}>
          <button type="button" onClick={() => call('counter.chooseMethod', { method: 'pin' })}>
            {t('ctrMethodPin')}
          </button>
          <button
            type="button"
            disabled={!card.faceAvailable}
            onClick={() => call('counter.chooseMethod', { method: 'face' })}
          >
            {t('ctrMethodFace')}
          </button>
          <button
            type="button"
            disabled={!card.staffCheckAllowed}
            onClick={() => call('counter.chooseMethod', { method: 'staff-check' })}
          >
            {t('ctrMethodStaff')}
          </button>
        </div>
      ) : null}
      {needsCodeB ? <CodeBEntry call={call} /> : null}
      {p === 'staff-check' && card.faceReady ? <StaffCheck call={call} /> : null}
    </section>
  );
}

function MyNumberStep({ view, call }: { view: CounterView; call: Call }): ReactNode {
  const { t } = useI18n();
  const person = view.staff.myNumberQueue[0];
  if (view.phase !== 'my-number' || !person) return null;
  return (
    <section className="staff-row" aria-label={t('ctrMyNumber')}>
      <p>{fill(t('ctrMyNumberFor'), { p: personLabel(t, person) })}</p>
      <button type="button" onClick={() => call('counter.deferMyNumber', { person })}>
        {t('ctrDeferMyNumber')}
      </button>
    </section>
  );
}

/** The staff side of the counter: the case and everything staff decide in it. */
export function CounterStaff({ view, call }: { view: CounterView; call: Call }): ReactNode {
  const { t, pick } = useI18n();
  const idle = view.phase === 'idle';
  const n = view.notice;
  return (
    <div className="staff" data-testid="staff-screen" data-phase={view.phase}>
      <div className="staff-head">
        <p>
          <strong>{t('ctrCaseLabel')}</strong>{' '}
          {view.caseId ? view.caseId.slice(0, 8) : t('ctrCaseNone')} · {t('ctrPhase')}:{' '}
          <span data-testid="phase">
            {pick(PHASE_TEXT[view.phase] ?? { ja: view.phase, en: view.phase })}
          </span>
        </p>
        {idle ? (
          <button type="button" className="primary" onClick={() => call('counter.openCase')}>
            {t('ctrOpenCase')}
          </button>
        ) : (
          <button type="button" className="danger" onClick={() => call('counter.closeCase')}>
            {t('ctrCloseCase')}
          </button>
        )}
      </div>
      <div role="status" aria-live="polite" className="staff-notice-slot">
        {n ? (
          <p className="staff-notice" data-testid="staff-notice" data-code={n.code}>
            {n.person ? `${personLabel(t, n.person)}: ` : ''}
            {fill(pick(NOTICE_TEXT[n.code]), { n: n.triesLeft ?? '' })}
            {n.cause ? <span className="cause"> ({n.cause})</span> : null}
          </p>
        ) : null}
      </div>
      <Persons view={view} />
      {view.staff.card ? (
        <CardPanel
          key={`card-${view.caseId ?? 'none'}`}
          view={view}
          card={view.staff.card}
          call={call}
        />
      ) : null}
      <MyNumberStep view={view} call={call} />
      {/* Keyed by case: nothing typed for one case survives into the next. */}
      <CounterProcedures key={`procedures-${view.caseId ?? 'none'}`} view={view} call={call} />
      <CounterReviewPanel view={view} call={call} />
    </div>
  );
}
