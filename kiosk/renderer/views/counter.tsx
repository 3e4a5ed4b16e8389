import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { CounterViewSchema } from '../../../shared/contracts/ui/counter.ts';
import { RequestFailed } from '../api.ts';
import { useBridge, usePushed } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import { CounterResident } from './counter-resident.tsx';
import { CounterStaff } from './counter-staff.tsx';
import './counter.css';

/**
 * Which screen of the counter this window is. A counter has two displays: the staff monitor
 * (`#/counter/staff`) and the resident-facing one with the PIN pad and the camera prompt
 * (`#/counter/resident`); `#/counter` shows both side by side (the demo, a single-screen desk).
 */
type Pane = 'both' | 'staff' | 'resident';

function paneOf(hash: string): Pane {
  const sub = hash.replace(/^#\/?counter\/?/, '');
  return sub === 'staff' || sub === 'resident' ? sub : 'both';
}

function usePane(): Pane {
  const [pane, setPane] = useState<Pane>(() => paneOf(location.hash));
  useEffect(() => {
    const on = (): void => setPane(paneOf(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return pane;
}

/** The counter's staff view and resident prompts, from the pushed `counter.view`. */
export function CounterView(): ReactNode {
  const { t } = useI18n();
  const bridge = useBridge();
  const pane = usePane();
  const view = usePushed('counter.view', CounterViewSchema);
  const [error, setError] = useState<string | undefined>();
  const call = useCallback(
    (method: string, params?: unknown): void => {
      setError(undefined);
      bridge.request(method, params).catch((e: unknown) => {
        setError(e instanceof RequestFailed ? e.error.code : String(e));
      });
    },
    [bridge],
  );
  if (!view) return <p>{t('connecting')}</p>;
  return (
    <section className={`counter counter-${pane}`} aria-labelledby="counter-title">
      <h1 id="counter-title" className="counter-title">
        {t('ctrCounterTitle')}
      </h1>
      {view.backend === 'offline' ? (
        <div
          className="banner banner-warn counter-offline"
          role="alert"
          data-testid="offline-banner"
        >
          {t('ctrOfflineBanner')}
        </div>
      ) : null}
      {error ? (
        <p className="counter-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="counter-panes">
        {pane !== 'resident' ? (
          <section className="pane pane-staff" aria-labelledby="pane-staff-title">
            <h2 id="pane-staff-title">{t('ctrCounterStaff')}</h2>
            <CounterStaff view={view} call={call} />
          </section>
        ) : null}
        {pane !== 'staff' ? (
          <section className="pane pane-resident" aria-labelledby="pane-resident-title">
            <h2 id="pane-resident-title">{t('ctrCounterResident')}</h2>
            <CounterResident view={view} call={call} />
          </section>
        ) : null}
      </div>
    </section>
  );
}
