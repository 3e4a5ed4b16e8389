import { useEffect, useState, type ReactNode } from 'react';
import { StatusSchema } from '../../shared/contracts/local-api.ts';
import { useConnection, usePushed } from './hooks.ts';
import { useI18n } from './i18n.tsx';
import { DemoPanel } from './views/demo.tsx';
import { Home } from './views/home.tsx';
import { StatusView } from './views/status.tsx';
import { ValidatorView } from './views/validator.tsx';
import { ROLE_VIEWS } from './views/roles.tsx';

export type Route = 'home' | 'status' | 'validator' | 'counter' | 'library';
const ROUTES: readonly Route[] = ['home', 'status', 'validator', 'counter', 'library'];

function routeOf(hash: string): Route {
  // #/counter/staff and #/counter/resident are the counter's two screens (views/counter.tsx).
  const r = hash.replace(/^#\/?/, '').split('/')[0] as Route;
  return ROUTES.includes(r) ? r : 'home';
}

export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(() => routeOf(location.hash));
  useEffect(() => {
    const on = (): void => setRoute(routeOf(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

function Banner(): ReactNode {
  const { t } = useI18n();
  const connection = useConnection();
  if (connection === 'open') return null;
  return (
    <div className="banner banner-warn" role="alert">
      {connection === 'connecting' ? t('connecting') : t('disconnected')}
    </div>
  );
}

export function App(): ReactNode {
  const { t, lang, setLang } = useI18n();
  const route = useRoute();
  const status = usePushed('status', StatusSchema);
  const view = ((): ReactNode => {
    switch (route) {
      case 'status':
        return <StatusView />;
      case 'validator':
        return <ValidatorView />;
      case 'counter':
      case 'library':
        return ROLE_VIEWS[route]();
      case 'home':
        return <Home status={status} />;
    }
  })();
  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" href="#/">
          {t('appName')}
        </a>
        {status?.demo ? <span className="tag">{t('demoMode')}</span> : null}
        <nav aria-label={t('home')}>
          <a href="#/status" aria-current={route === 'status' ? 'page' : undefined}>
            {t('status')}
          </a>
        </nav>
        <button
          type="button"
          className="lang"
          lang={lang === 'ja' ? 'en' : 'ja'}
          onClick={() => setLang(lang === 'ja' ? 'en' : 'ja')}
        >
          {t('switchLang')}
        </button>
      </header>
      <Banner />
      <main className={`view view-${route}`}>{view}</main>
      {status?.demo ? <DemoPanel route={route} role={status.role} /> : null}
    </div>
  );
}
