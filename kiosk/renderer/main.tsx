import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectBridge } from './api.ts';
import { App } from './app.tsx';
import { PushCache, ServicesContext } from './hooks.ts';
import { I18nProvider } from './i18n.tsx';
import './styles.css';

const bridge = connectBridge();
const services = { bridge, pushes: new PushCache(bridge) };
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ServicesContext.Provider value={services}>
        <I18nProvider>
          <App />
        </I18nProvider>
      </ServicesContext.Provider>
    </StrictMode>,
  );
}
