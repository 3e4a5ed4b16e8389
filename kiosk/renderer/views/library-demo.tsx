import { useState, type ReactNode } from 'react';
import { RequestFailed } from '../api.ts';
import { useBridge } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';

/**
 * The simulated library peripherals (scripts/demo/library.ts): barcodes the scanner reads,
 * cards on the reader, the receipt roll and the library system. The barcodes are the SIP2
 * simulator's sample patrons and books (kiosk/library/sip2/sim/data.ts).
 */
const SCANS = [
  { code: 'L0001', ja: '図書館カード（図書 花子）', en: 'Library card (Hanako)' },
  { code: '3000000001', ja: '本「吾輩は猫である」', en: 'Book: I Am a Cat' },
  { code: '3000000002', ja: '本「坊っちゃん」', en: 'Book: Botchan' },
  { code: '3000000003', ja: '本「こころ」（予約あり）', en: 'Book: Kokoro (on hold)' },
  { code: '3999999999', ja: '登録のないバーコード', en: 'Unknown barcode' },
  { code: 'L0002', ja: '貸出停止の人のカード', en: 'Blocked patron’s card' },
] as const;

const CARDS = [
  { card: 'felica-rider', ja: 'ICカード（予約 四季）', en: 'IC card (Shiki)' },
  { card: 'mynumber', ja: 'マイナンバーカード', en: 'My Number Card' },
] as const;

const FAULTS = [
  { fault: 'paper-out', ja: 'レシートの紙切れ', en: 'Receipt paper out' },
  { fault: 'paper-loaded', ja: 'レシートの紙を補充', en: 'Load receipt paper' },
  { fault: 'system-offline', ja: '図書館システム停止', en: 'Library system down' },
  { fault: 'system-online', ja: '図書館システム復旧', en: 'Library system back' },
] as const;

export function LibraryDemoPanel(): ReactNode {
  const { t, pick, lang } = useI18n();
  const bridge = useBridge();
  const [error, setError] = useState<string | undefined>();
  const call = (method: string, params: object): void => {
    setError(undefined);
    bridge.request(method, params).catch((e: unknown) => {
      setError(e instanceof RequestFailed ? e.error.code : String(e));
    });
  };
  const scan = lang === 'ja' ? 'スキャン' : 'Scan';
  return (
    <aside className="demo-panel" aria-label={t('simulator')}>
      <h2>{t('simulator')}</h2>
      <div className="demo-buttons">
        {SCANS.map((s) => (
          <button key={s.code} type="button" onClick={() => call('demo.scan', { code: s.code })}>
            {scan}: {pick(s)}
          </button>
        ))}
        {CARDS.map((c) => (
          <button
            key={c.card}
            type="button"
            onClick={() => call('demo.card', { reader: 0, action: 'insert', card: c.card })}
          >
            {t('placeCard')}: {pick(c)}
          </button>
        ))}
        <button type="button" onClick={() => call('demo.card', { reader: 0, action: 'remove' })}>
          {t('removeCard')}
        </button>
        {FAULTS.map((f) => (
          <button
            key={f.fault}
            type="button"
            onClick={() => call('demo.libraryFault', { fault: f.fault })}
          >
            {pick(f)}
          </button>
        ))}
      </div>
      {error ? <p role="alert">{error}</p> : null}
    </aside>
  );
}
