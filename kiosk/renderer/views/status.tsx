import type { ReactNode } from 'react';
import { StatusSchema, type Status } from '../../../shared/contracts/local-api.ts';
import { usePushed } from '../hooks.ts';
import { useI18n, type StringKey } from '../i18n.tsx';

const STATE_KEYS: Record<Status['devices'][number]['state'], StringKey> = {
  ok: 'stateOk',
  unreachable: 'stateUnreachable',
  closed: 'stateClosed',
  absent: 'stateAbsent',
  error: 'stateError',
};

function age(seconds: number | null, lang: string): string {
  if (seconds === null) return '—';
  if (seconds < 120) return lang === 'ja' ? `${seconds}秒` : `${seconds} s`;
  if (seconds < 7200)
    return lang === 'ja' ? `${Math.round(seconds / 60)}分` : `${Math.round(seconds / 60)} min`;
  return lang === 'ja' ? `${Math.round(seconds / 3600)}時間` : `${Math.round(seconds / 3600)} h`;
}

/** For staff and IT: readers, devices, each dataset's age, the outbox, the last sync. */
export function StatusView(): ReactNode {
  const { t, lang } = useI18n();
  const s = usePushed('status', StatusSchema);
  if (!s) return <p>{t('connecting')}</p>;
  return (
    <section className="status" aria-labelledby="status-title">
      <h1 id="status-title">
        {t('status')}: {s.deviceId} ({s.role})
      </h1>
      <h2>{t('readers')}</h2>
      <p>
        pcscd: <strong data-testid="pcscd">{s.pcscd === 'up' ? t('up') : t('down')}</strong>
      </p>
      <table>
        <tbody>
          {s.readers.map((r) => (
            <tr key={r.name}>
              <th scope="row">{r.name}</th>
              <td>{r.cardPresent ? t('cardPresent') : t('noCard')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t('devices')}</h2>
      <table>
        <tbody>
          {s.devices.map((d) => (
            <tr key={`${d.kind}:${d.name}`} data-state={d.state}>
              <th scope="row">{d.name}</th>
              <td>
                <span className={`dot dot-${d.state}`} aria-hidden="true" />{' '}
                {t(STATE_KEYS[d.state])}
                {d.detail ? ` — ${d.detail}` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t('datasets')}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('datasets')}</th>
            <th scope="col">{t('version')}</th>
            <th scope="col">{t('rows')}</th>
            <th scope="col">{t('age')}</th>
          </tr>
        </thead>
        <tbody>
          {s.datasets.map((d) => (
            <tr key={d.dataset} data-testid={`dataset-${d.dataset}`}>
              <th scope="row">{d.dataset}</th>
              <td>{d.version ?? '—'}</td>
              <td>{d.rows ?? '—'}</td>
              <td>{age(d.ageSeconds, lang)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t('outbox')}</h2>
      <p data-testid="outbox">
        {s.outbox.pending} {t('pending')}, {s.outbox.rejected} {t('rejected')}
      </p>
      <h2>{t('lastSync')}</h2>
      <p>
        {s.lastSync.successAt ?? t('never')}
        {s.lastSync.errorCode ? ` (${s.lastSync.errorCode})` : ''}
      </p>
    </section>
  );
}
