import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { LibraryViewSchema, type LibraryView } from '../../../shared/contracts/ui/library.ts';
import { useBridge, usePushed, useTick } from '../hooks.ts';
import { useI18n, type StringKey } from '../i18n.tsx';
import { Counts, ItemList, NoticeBox } from './library-items.tsx';
import './library.css';

/** The countdown shows in the last seconds before an idle session ends by itself. */
const WARN_BEFORE_END_MS = 20_000;
/**
 * A keyboard-wedge scanner also types into this window; the Enter that ends each barcode must
 * not press a focused 終了 button. Scanners type a key every few ms, people far slower.
 */
const SCANNER_KEY_GAP_MS = 50;

/** Swallows Enter and Space that come straight after other keys (a scanner, not a person). */
function useScannerGuard(): void {
  useEffect(() => {
    let lastKeyAt = -Infinity;
    const onKey = (e: KeyboardEvent): void => {
      const burst = e.timeStamp - lastKeyAt < SCANNER_KEY_GAP_MS;
      if ((e.key === 'Enter' || e.key === ' ') && burst) {
        e.preventDefault();
        e.stopPropagation();
      }
      lastKeyAt = e.timeStamp;
    };
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, []);
}

function Banners({ view }: { view: LibraryView }): ReactNode {
  const { t } = useI18n();
  return (
    <>
      {!view.libraryOnline ? (
        <p className="banner banner-info" role="status" data-testid="library-offline">
          {t('libOffline')}
        </p>
      ) : null}
      {view.printer === 'unavailable' && view.phase !== 'ended' ? (
        <p className="banner banner-warn" role="status" data-testid="printer-down">
          {view.printerProblem === 'paper-out' ? t('libPaperOutNow') : t('libPrinterDown')}
        </p>
      ) : null}
    </>
  );
}

function Welcome({ view }: { view: LibraryView }): ReactNode {
  const { t, lang } = useI18n();
  const key: StringKey = view.accepts.icCard ? 'libWelcome' : 'libWelcomeBarcode';
  return (
    <div className="lib-welcome">
      {view.libraryName ? <p className="lib-library-name">{view.libraryName}</p> : null}
      <h1 className="lib-headline">{t(key)}</h1>
      {view.accepts.myNumberCard ? <p className="lib-sub">{t('libMyNumberToo')}</p> : null}
      {view.notice ? <NoticeBox notice={view.notice} className="lib-big" /> : null}
      {view.removeCard ? <p className="lib-take tone-warn">{t('libRemoveCard')}</p> : null}
      <p className="lib-sub lib-other-lang" lang={lang === 'ja' ? 'en' : 'ja'}>
        {lang === 'ja'
          ? 'Hold your library card over the reader, or scan its barcode'
          : '図書館カードをかざすか、バーコードを読み取ってください'}
      </p>
    </div>
  );
}

/** Seconds until the session ends by itself, on the service's clock. */
function useSecondsLeft(view: LibraryView): number | undefined {
  const receivedAt = useMemo(() => Date.now(), [view]);
  const now = useTick(1000);
  if (view.sessionEndsAt === null) return undefined;
  const left = view.sessionEndsAt - (view.at + Math.max(0, now - receivedAt));
  return left > WARN_BEFORE_END_MS ? undefined : Math.max(0, Math.ceil(left / 1000));
}

function Session({ view }: { view: LibraryView }): ReactNode {
  const { t } = useI18n();
  const bridge = useBridge();
  const [ending, setEnding] = useState(false);
  const left = useSecondsLeft(view);
  const name = view.patron?.displayName;
  return (
    <div className="lib-session">
      <div className="lib-session-main">
        <h1 className="lib-hello">
          {name ? t('libHelloNamed').replace('{name}', name) : t('libHello')}
        </h1>
        <p className="lib-instruction">{t('libScanBooks')}</p>
        {view.notice ? <NoticeBox notice={view.notice} /> : null}
        <ItemList items={view.items} />
      </div>
      <div className="lib-session-side">
        <button
          type="button"
          className="primary lib-finish"
          disabled={ending}
          aria-describedby="lib-finish-hint"
          onClick={() => {
            setEnding(true);
            void bridge.request('library.endSession').finally(() => setEnding(false));
          }}
        >
          {t('libFinish')}
        </button>
        <p id="lib-finish-hint" className="lib-sub">
          {t('libFinishHint')}
        </p>
        {left !== undefined ? (
          <p className="lib-countdown tone-warn" data-testid="ends-soon">
            {t('libEndsSoon').replace('{s}', String(left))}
          </p>
        ) : null}
      </div>
    </div>
  );
}

const RECEIPT_KEYS: Record<NonNullable<LibraryView['receipt']>, StringKey> = {
  printing: 'libPrinting',
  printed: 'libTakeReceipt',
  'paper-out': 'libPaperOut',
  failed: 'libReceiptFailed',
  'not-printed': 'libNotPrinted',
  none: 'libNothingBorrowed',
};

function Ended({ view }: { view: LibraryView }): ReactNode {
  const { t } = useI18n();
  const receipt = view.receipt ?? 'none';
  const problem = receipt === 'paper-out' || receipt === 'failed' || receipt === 'not-printed';
  return (
    <div className="lib-ended">
      <h1 className="lib-headline">
        {view.phase === 'printing' ? t('libPrinting') : t('libThanks')}
      </h1>
      {view.phase === 'ended' ? (
        <p
          className={`lib-take ${problem ? 'tone-warn' : 'tone-ok'}`}
          data-testid="receipt-state"
          data-receipt={receipt}
        >
          {t(RECEIPT_KEYS[receipt])}
        </p>
      ) : null}
      {view.removeCard ? <p className="lib-take tone-warn">{t('libRemoveCard')}</p> : null}
      {view.items.length > 0 ? (
        <>
          <Counts items={view.items} />
          <ItemList items={view.items} />
        </>
      ) : null}
    </div>
  );
}

/**
 * The patron-facing self-checkout: welcome, then the books as they are scanned with due dates
 * and refusals, the 終了 button, and the receipt and the card to take at the end. Everything
 * the patron reads comes from `library.view` (pushed by the service); the screen sends only
 * 終了. The latest message is announced to screen readers.
 */
export function LibraryView(): ReactNode {
  const { t, pick } = useI18n();
  const view = usePushed('library.view', LibraryViewSchema);
  useScannerGuard();
  if (!view) return <p>{t('connecting')}</p>;
  const body = ((): ReactNode => {
    switch (view.phase) {
      case 'welcome':
        return <Welcome view={view} />;
      case 'identifying':
        return (
          <div className="lib-welcome">
            <h1 className="lib-headline">
              {view.notice ? pick(view.notice.text) : t('libChecking')}
            </h1>
          </div>
        );
      case 'session':
        return <Session view={view} />;
      case 'printing':
      case 'ended':
        return <Ended view={view} />;
    }
  })();
  return (
    <section className="library" data-testid="library-screen" data-phase={view.phase}>
      <Banners view={view} />
      {body}
      <p
        className="visually-hidden"
        aria-live="polite"
        aria-atomic="true"
        data-testid="library-live"
      >
        {view.notice ? pick(view.notice.text) : ''}
      </p>
    </section>
  );
}
