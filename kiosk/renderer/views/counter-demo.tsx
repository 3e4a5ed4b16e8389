import type { ReactNode } from 'react';
import { RequestFailed } from '../api.ts';
import { useBridge } from '../hooks.ts';
import { useI18n, type StringKey } from '../i18n.tsx';

/** The demo cards a counter takes (the holders are in the demo's resident register). */
export const COUNTER_CARDS: ReadonlySet<string> = new Set([
  'mynumber',
  'mynumber-senior',
  'unknown',
]);

const CAMERA: readonly { outcome: string; key: StringKey }[] = [
  { outcome: 'match', key: 'ctrDemoCameraMatch' },
  { outcome: 'no-match', key: 'ctrDemoCameraNoMatch' },
  { outcome: 'not-live', key: 'ctrDemoCameraNotLive' },
  { outcome: 'no-face', key: 'ctrDemoCameraNoFace' },
];

/** Demo only: what the simulated face camera sees, and the resident register going away. */
export function CounterDemoControls({
  onError,
}: {
  onError: (code: string | undefined) => void;
}): ReactNode {
  const { t } = useI18n();
  const bridge = useBridge();
  const act = (method: string, params: object): void => {
    onError(undefined);
    bridge.request(method, params).catch((e: unknown) => {
      onError(e instanceof RequestFailed ? e.error.code : String(e));
    });
  };
  return (
    <div className="demo-buttons">
      {CAMERA.map((c) => (
        <button
          key={c.outcome}
          type="button"
          onClick={() => act('demo.camera', { outcome: c.outcome })}
        >
          {t('ctrDemoCamera')}: {t(c.key)}
        </button>
      ))}
      <button type="button" onClick={() => act('demo.backend', { online: false })}>
        {t('ctrDemoBackendStop')}
      </button>
      <button type="button" onClick={() => act('demo.backend', { online: true })}>
        {t('ctrDemoBackendStart')}
      </button>
    </div>
  );
}
