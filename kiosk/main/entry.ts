// The Electron main process, bundled to dist/electron/main.cjs and run as
//   electron dist/electron/main.cjs [--kazasu-url=http://127.0.0.1:8780/] [--devtools]
// The kiosk service (kazasu start) runs on its own, as a system service; this window is one of
// its clients. Only here are the Electron modules touched (style.md rule 3).
import { join } from 'node:path';
import { app, BrowserWindow, Menu, ipcMain, session } from 'electron';
import WebSocket from 'ws';
import { rawText } from '../service/ws-text.ts';
import { runKioskApp, type ElectronBoundary, type ServiceLink } from './app.ts';

const arg = (name: string): string | undefined =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const url = arg('kazasu-url') ?? 'http://127.0.0.1:8780/';

/** The service's local API over a WebSocket that reconnects every second while the service is away. */
function serviceLink(uiUrl: string): ServiceLink {
  const origin = new URL(uiUrl).origin;
  const wsUrl = `${origin.replace(/^http/, 'ws')}/api`;
  const pushListeners: ((t: string) => void)[] = [];
  const connectionListeners: ((s: 'connecting' | 'open' | 'closed') => void)[] = [];
  const waiting = new Map<number, (t: string) => void>();
  let socket: WebSocket | undefined;
  const open = (): void => {
    for (const l of connectionListeners) l('connecting');
    const ws = new WebSocket(wsUrl, { headers: { origin } });
    ws.on('open', () => {
      socket = ws;
      for (const l of connectionListeners) l('open');
    });
    ws.on('message', (data) => {
      const text = rawText(data);
      const id = (JSON.parse(text) as { id?: unknown }).id;
      const w = typeof id === 'number' ? waiting.get(id) : undefined;
      if (w && typeof id === 'number') {
        waiting.delete(id);
        w(text);
      } else for (const l of pushListeners) l(text);
    });
    ws.on('close', () => {
      socket = undefined;
      for (const l of connectionListeners) l('closed');
      setTimeout(open, 1000);
    });
    ws.on('error', () => undefined);
  };
  open();
  return {
    request: (text) =>
      new Promise((resolve) => {
        const id = (JSON.parse(text) as { id: number }).id;
        if (!socket) {
          resolve(
            JSON.stringify({
              id,
              ok: false,
              error: { code: 'api/disconnected', message: 'the service is not reachable' },
            }),
          );
          return;
        }
        waiting.set(id, resolve);
        socket.send(text);
      }),
    onPush: (l) => void pushListeners.push(l),
    onConnection: (l) => void connectionListeners.push(l),
  };
}

const boundary: ElectronBoundary = {
  app,
  createWindow: (options) => new BrowserWindow(options),
  ipcMain,
  denyAllPermissions: () => {
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) =>
      callback(false),
    );
    session.defaultSession.setPermissionCheckHandler(() => false);
  },
  removeMenu: () => Menu.setApplicationMenu(null),
};

void runKioskApp(boundary, serviceLink(url), {
  url,
  preload: join(__dirname, 'preload.cjs'),
  devTools: process.argv.includes('--devtools'),
});
