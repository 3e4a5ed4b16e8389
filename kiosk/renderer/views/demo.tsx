import { useState, type ReactNode } from 'react';
import type { Status } from '../../../shared/contracts/local-api.ts';
import { RequestFailed } from '../api.ts';
import { useBridge } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import type { Route } from '../app.tsx';
import { LibraryDemoPanel } from './library-demo.tsx';
import { COUNTER_CARDS, CounterDemoControls } from './counter-demo.tsx';

const CARDS = [
  { card: 'felica-senior', ja: '交通系IC（高齢者）', en: 'Transit IC (senior)' },
  { card: 'felica-rider', ja: '交通系IC（登録なし）', en: 'Transit IC (unregistered)' },
  { card: 'mynumber', ja: 'マイナンバーカード', en: 'My Number Card' },
  { card: 'mynumber-senior', ja: 'マイナンバーカード（高齢者）', en: 'My Number Card (senior)' },
  { card: 'unknown', ja: 'その他のカード', en: 'Other card' },
] as const;

/** Demo only: a drawer that drives the simulated card readers (the devices a test would). */
export function DemoPanel({ route, role }: { route: Route; role: Status['role'] }): ReactNode {
  const { t, pick } = useI18n();
  const bridge = useBridge();
  const [error, setError] = useState<string | undefined>();
  const reader = role === 'validator' ? 1 : 0;
  const act = (params: object): void => {
    setError(undefined);
    bridge.request('demo.card', { reader, ...params }).catch((e: unknown) => {
      setError(e instanceof RequestFailed ? e.error.code : String(e));
    });
  };
  if (route === 'home' || route === 'status') return null;
  if (route === 'library') return <LibraryDemoPanel />;
  return (
    <aside className="demo-panel" aria-label={t('simulator')}>
      <h2>{t('simulator')}</h2>
      <div className="demo-buttons">
        {(route === 'counter' ? CARDS.filter((c) => COUNTER_CARDS.has(c.card)) : CARDS).map((c) => (
          <button
            key={c.card}
            type="button"
            onClick={() => act({ action: 'insert', card: c.card })}
          >
            {t('placeCard')}: {pick(c)}
          </button>
        ))}
        <button type="button" onClick={() => act({ action: 'remove' })}>
          {t('removeCard')}
        </button>
        <button type="button" onClick={() => act({ action: 'pull' })}>
          {t('pullCard')}
        </button>
      </div>
      {route === 'counter' ? <CounterDemoControls onError={setError} /> : null}
      {error ? <p role="alert">{error}</p> : null}
    </aside>
  );
}
