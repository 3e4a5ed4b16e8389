import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useI18n } from '../i18n.tsx';
import { fill } from './counter-text.ts';

const PIN_DIGITS = 4; // the text AP's PIN: 4 digits (reader/mynumber/credentials.ts)
const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

export interface PinPadProps {
  readonly triesLeft: number;
  /** One try left: the PIN is sent only after the holder confirms on a second screen. */
  readonly lastTry: boolean;
  readonly forMyNumber: boolean;
  readonly onSubmit: (pin: string, confirmLastTry: boolean) => void;
}

/**
 * The resident's PIN pad: large keys in the telephone layout the card readers residents know,
 * the entry masked (a dot per digit, the count announced, never the digits), operable by touch
 * and by keyboard (digits, Backspace, Enter). The digits live only in this component's state and
 * are dropped on submit and when it goes away.
 */
export function PinPad({ triesLeft, lastTry, forMyNumber, onSubmit }: PinPadProps): ReactNode {
  const { t } = useI18n();
  const [digits, setDigits] = useState('');
  const [confirming, setConfirming] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const padRef = useRef<HTMLDivElement>(null);
  useEffect(() => () => setDigits(''), []);
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  const add = (d: string): void => setDigits((v) => (v.length < PIN_DIGITS ? v + d : v));
  const back = (): void => setDigits((v) => v.slice(0, -1));
  const send = (confirmed: boolean): void => {
    const pin = digits;
    setDigits('');
    setConfirming(false);
    onSubmit(pin, confirmed);
    padRef.current?.focus();
  };
  const ok = (): void => {
    if (digits.length !== PIN_DIGITS) return;
    if (lastTry) setConfirming(true);
    else send(false);
  };
  const onKey = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (confirming) return;
    if (/^[0-9]$/.test(e.key)) add(e.key);
    else if (e.key === 'Backspace') back();
    else if (e.key === 'Enter' && e.target === e.currentTarget) ok();
    else return;
    e.preventDefault();
  };

  if (confirming) {
    return (
      <div
        className="pin-confirm"
        role="alertdialog"
        aria-labelledby="pin-confirm-title"
        aria-describedby="pin-confirm-text"
        data-testid="last-try-confirm"
      >
        <h3 id="pin-confirm-title" className="resident-headline warn">
          {t('ctrLastTryTitle')}
        </h3>
        <p id="pin-confirm-text" className="resident-text">
          {t('ctrLastTryText')}
        </p>
        <div className="resident-actions">
          <button type="button" className="primary big" ref={confirmRef} onClick={() => send(true)}>
            {t('ctrLastTryYes')}
          </button>
          <button
            type="button"
            className="big"
            onClick={() => {
              setDigits('');
              setConfirming(false);
            }}
          >
            {t('ctrLastTryNo')}
          </button>
        </div>
      </div>
    );
  }

  return (
    <div className="pin" data-testid="pin-pad">
      <h3 className="resident-headline" id="pin-title">
        {forMyNumber ? t('ctrPinTitleMyNumber') : t('ctrPinTitle')}
      </h3>
      <p className={lastTry ? 'resident-text warn' : 'resident-text'} data-testid="pin-tries">
        {lastTry ? t('ctrPinLastTry') : fill(t('ctrPinTriesLeft'), { n: triesLeft })}
      </p>
      <div
        className="pin-pad"
        role="group"
        aria-labelledby="pin-title"
        tabIndex={0}
        ref={padRef}
        onKeyDown={onKey}
      >
        <div className="pin-dots" aria-live="polite" aria-atomic="true">
          <span className="visually-hidden">{fill(t('ctrPinEntered'), { n: digits.length })}</span>
          {Array.from({ length: PIN_DIGITS }, (_, i) => (
            <span
              key={i}
              className={i < digits.length ? 'pin-dot on' : 'pin-dot'}
              aria-hidden="true"
            />
          ))}
        </div>
        <div className="pin-keys">
          {KEYS.map((k) => (
            <button key={k} type="button" className="pin-key" onClick={() => add(k)}>
              {k}
            </button>
          ))}
          <button type="button" className="pin-key pin-clear" onClick={back}>
            {t('ctrPinClear')}
          </button>
          <button type="button" className="pin-key" onClick={() => add('0')}>
            0
          </button>
          <button
            type="button"
            className="pin-key pin-ok primary"
            disabled={digits.length !== PIN_DIGITS}
            onClick={ok}
          >
            {t('ctrPinOk')}
          </button>
        </div>
      </div>
    </div>
  );
}
