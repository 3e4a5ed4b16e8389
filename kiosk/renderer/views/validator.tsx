import type { ReactNode } from 'react';
import {
  TapViewSchema,
  ValidatorViewSchema,
  type TapView,
} from '../../../shared/contracts/local-api.ts';
import { usePushed, useTick } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';

/** Colour of the result, as the LED shows it: green accepted, amber tap again, red see driver. */
function tone(tap: TapView): string {
  switch (tap.outcome) {
    case 'accepted':
      return tap.staleData || tap.reason.code === 'unknown-card' ? 'amber' : 'green';
    case 'already-validated':
      return 'green';
    case 'tap-again':
      return 'amber';
    case 'see-driver':
      return 'red';
  }
}

const yen = (n: number | null, lang: string): string =>
  n === null
    ? ''
    : `${n.toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-JP')}${lang === 'ja' ? '円' : ' yen'}`;

/** How long a result stays on the rider screen (the serial display holds it as long). */
const RESULT_MS = 4000;

/**
 * The rider-facing screen of a bus validator: the last tap's result, large, for a few seconds,
 * then "tap your card". Colour is never the only signal: the outcome is also in words.
 */
export function ValidatorView(): ReactNode {
  const { t, pick, lang } = useI18n();
  const view = usePushed('validator.view', ValidatorViewSchema);
  const tap = usePushed('validator.tap', TapViewSchema) ?? view?.last ?? undefined;
  const now = useTick(500); // the result gives way to "tap your card" after a few seconds
  const fresh = tap !== undefined && now - tap.at < RESULT_MS;
  return (
    <section className="rider" aria-live="assertive" aria-atomic="true" data-testid="rider-screen">
      {!fresh || !tap ? (
        <div className="rider-ready" data-outcome="ready">
          <p className="rider-headline">{t('tapYourCard')}</p>
          <p className="rider-sub" lang={lang === 'ja' ? 'en' : 'ja'}>
            {lang === 'ja' ? 'Please tap your card' : 'カードをタッチしてください'}
          </p>
        </div>
      ) : (
        <div
          className={`rider-result tone-${tone(tap)}`}
          data-outcome={tap.outcome}
          data-present-at={tap.presentAt}
        >
          <p className="rider-headline">
            {tap.category && (tap.discountYen > 0 || tap.subsidised)
              ? pick(tap.category)
              : pick(tap.reason)}
          </p>
          {tap.fareYen !== null ? (
            <p className="rider-fare" data-testid="fare">
              <span className="label">{t('fare')}</span> {yen(tap.fareYen, lang)}
            </p>
          ) : null}
          {tap.discountYen > 0 ? (
            <p className="rider-detail" data-testid="discount">
              {t('discount')} −{yen(tap.discountYen, lang)}
            </p>
          ) : null}
          {tap.allowanceLeft !== null ? (
            <p className="rider-detail" data-testid="rides-left">
              {t('ridesLeft')}: {tap.allowanceLeft}
            </p>
          ) : null}
          <p className="rider-reason">{pick(tap.reason)}</p>
          {tap.staleData ? <p className="rider-detail">{t('staleData')}</p> : null}
        </div>
      )}
      {view ? (
        <p className="rider-route">
          {t('route')} {view.routeId}
          {view.stopId ? ` · ${t('stop')} ${view.stopId}` : ''}
        </p>
      ) : null}
    </section>
  );
}
