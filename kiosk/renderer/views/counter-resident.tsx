import type { ReactNode } from 'react';
import type { CounterView, ResidentPrompt } from '../../../shared/contracts/ui/counter.ts';
import { useI18n, type StringKey } from '../i18n.tsx';
import { NOTICE_TEXT, RESIDENT_NOTICES } from './counter-codes.ts';
import { fill } from './counter-text.ts';
import { PinPad } from './pin-pad.tsx';

type Call = (method: string, params?: unknown) => void;

const ITEM_KEYS: Record<string, StringKey> = {
  name: 'ctrItemName',
  address: 'ctrItemAddress',
  'birth-date': 'ctrItemBirthDate',
  sex: 'ctrItemSex',
};

const WAIT_KEYS: Record<Extract<ResidentPrompt, { kind: 'wait' }>['for'], StringKey> = {
  'code-b': 'ctrWaitCodeB',
  'staff-check': 'ctrWaitStaffCheck',
  reading: 'ctrWaitReading',
  'looking-up': 'ctrWaitLookingUp',
  staff: 'ctrWaitStaff',
  forms: 'ctrWaitForms',
  printing: 'ctrWaitPrinting',
};

/** A person's place in the case, in words (p2 → 2人目). */
export function personLabel(t: (k: StringKey) => string, id: string | null): string {
  return id ? fill(t('ctrPersonN'), { n: id.slice(1) }) : '';
}

function Prompt({ prompt, call }: { prompt: ResidentPrompt; call: Call }): ReactNode {
  const { t } = useI18n();
  const headline = (key: StringKey, warn = false): ReactNode => (
    <h3 className={warn ? 'resident-headline warn' : 'resident-headline'}>{t(key)}</h3>
  );
  const text = (key: StringKey): ReactNode => <p className="resident-text">{t(key)}</p>;
  switch (prompt.kind) {
    case 'closed':
      return (
        <>
          {headline('ctrWelcome')}
          {text('ctrWelcomeSub')}
        </>
      );
    case 'place-card':
      return (
        <>
          <div className="card-art" aria-hidden="true" />
          <h3 className="resident-headline">
            {prompt.for === 'my-number'
              ? fill(t('ctrPlaceCardMyNumber'), { p: personLabel(t, prompt.person) })
              : prompt.for === 'next-person'
                ? t('ctrPlaceCardNext')
                : t('ctrPlaceCard')}
          </h3>
        </>
      );
    case 'choose-method':
      return (
        <>
          {headline('ctrChooseMethod')}
          <div className="resident-actions">
            {prompt.pin ? (
              <button
                type="button"
                className="big primary"
                onClick={() => call('counter.chooseMethod', { method: 'pin' })}
              >
                {t('ctrChoosePin')}
              </button>
            ) : null}
            {prompt.face ? (
              <button
                type="button"
                className="big primary"
                onClick={() => call('counter.chooseMethod', { method: 'face' })}
              >
                {t('ctrChooseFace')}
              </button>
            ) : null}
          </div>
        </>
      );
    case 'pin':
      return (
        <PinPad
          key={prompt.forMyNumber ? 'my-number' : 'read'}
          triesLeft={prompt.triesLeft}
          lastTry={prompt.lastTry}
          forMyNumber={prompt.forMyNumber}
          onSubmit={(pin, confirmLastTry) => call('counter.enterPin', { pin, confirmLastTry })}
        />
      );
    case 'face':
      return prompt.step === 'opening' ? (
        <>
          {headline('ctrWaitTitle')}
          {text('ctrFaceOpening')}
        </>
      ) : (
        <div data-testid="face-framing">
          {headline('ctrFaceLook')}
          <div className="face-frame" aria-hidden="true">
            <div className="face-oval" />
          </div>
          {text('ctrFaceFrame')}
        </div>
      );
    case 'face-retry':
      return (
        <>
          {headline('ctrFaceRetry', true)}
          <p className="resident-text">{fill(t('ctrFaceRetryTries'), { n: prompt.triesLeft })}</p>
          <div className="resident-actions">
            <button
              type="button"
              className="big primary"
              onClick={() => call('counter.chooseMethod', { method: 'face' })}
            >
              {t('ctrFaceAgain')}
            </button>
            {prompt.pin ? (
              <button
                type="button"
                className="big"
                onClick={() => call('counter.chooseMethod', { method: 'pin' })}
              >
                {t('ctrUsePinInstead')}
              </button>
            ) : null}
          </div>
        </>
      );
    case 'consent':
      return (
        <div data-testid="consent">
          {headline('ctrConsentTitle')}
          {text('ctrConsentPurpose')}
          <ul className="consent-items">
            {prompt.scope.map((item) => (
              <li key={item}>{t(ITEM_KEYS[item] ?? 'ctrItemName')}</li>
            ))}
          </ul>
          {text('ctrConsentUse')}
          {text('ctrConsentNo')}
          <div className="resident-actions">
            <button
              type="button"
              className="big primary"
              onClick={() => call('counter.consent', { answer: 'agreed' })}
            >
              {t('ctrConsentAgree')}
            </button>
            <button
              type="button"
              className="big"
              onClick={() => call('counter.consent', { answer: 'declined' })}
            >
              {t('ctrConsentDecline')}
            </button>
          </div>
        </div>
      );
    case 'wait':
      return (
        <>
          {headline('ctrWaitTitle')}
          {text(WAIT_KEYS[prompt.for])}
        </>
      );
    case 'remove-card':
      return (
        <div data-testid="remove-card">
          <div className="card-art out" aria-hidden="true" />
          {headline('ctrRemoveCard', true)}
          {text('ctrRemoveCardSub')}
        </div>
      );
    case 'sign':
      return (
        <>
          {headline('ctrSignTitle')}
          {text('ctrSignSub')}
        </>
      );
    case 'done':
      return (
        <>
          {headline('ctrDoneTitle')}
          {text('ctrDoneSub')}
        </>
      );
  }
}

/**
 * The resident-facing screen: one thing at a time, in large plain Japanese, with the reason when
 * something went wrong (a pulled card, a wrong PIN). Announced to screen readers as it changes.
 */
export function CounterResident({ view, call }: { view: CounterView; call: Call }): ReactNode {
  const { pick } = useI18n();
  const n = view.notice;
  const shown = n && RESIDENT_NOTICES.has(n.code) ? n : null;
  return (
    <div className="resident" data-testid="resident-screen" data-prompt={view.resident.kind}>
      <div aria-live="assertive" aria-atomic="true" className="resident-notice-slot">
        {shown ? (
          <p className="resident-notice" data-testid="resident-notice" data-code={shown.code}>
            {fill(pick(NOTICE_TEXT[shown.code]), { n: shown.triesLeft ?? '' })}
          </p>
        ) : null}
      </div>
      <div aria-live="polite" className="resident-prompt">
        <Prompt prompt={view.resident} call={call} />
      </div>
    </div>
  );
}
