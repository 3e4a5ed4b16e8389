import type { ReactNode } from 'react';
import type { Status } from '../../../shared/contracts/local-api.ts';
import { useBridge } from '../hooks.ts';
import { useI18n, type StringKey } from '../i18n.tsx';

const ROLES: readonly { role: Status['role']; key: StringKey }[] = [
  { role: 'counter', key: 'roleCounter' },
  { role: 'library', key: 'roleLibrary' },
  { role: 'validator', key: 'roleValidator' },
];

/** The device's own screen; in the demo, a choice of role (a real device has one, from config). */
export function Home({ status }: { status: Status | undefined }): ReactNode {
  const { t } = useI18n();
  const bridge = useBridge();
  if (!status) return <p>{t('connecting')}</p>;
  if (!status.demo) {
    location.hash = `#/${status.role}`;
    return null;
  }
  return (
    <section className="home" aria-labelledby="home-title">
      <h1 id="home-title">{t('chooseRole')}</h1>
      <div className="role-grid">
        {ROLES.map(({ role, key }) => (
          <button
            key={role}
            type="button"
            className={`role-card${status.role === role ? ' current' : ''}`}
            onClick={() => {
              void bridge
                .request('demo.setRole', { role })
                .then(() => (location.hash = `#/${role}`));
            }}
          >
            {t(key)}
          </button>
        ))}
      </div>
    </section>
  );
}
