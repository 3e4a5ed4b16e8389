import { describe, expect, it } from 'vitest';
import { createPreloadApi, type IpcRendererLike } from '../preload/bridge.ts';
import { runKioskApp, type ElectronBoundary, type ServiceLink, type WindowLike } from './app.ts';
import {
  CrashPolicy,
  GIVE_UP_PAGE,
  IPC,
  navigationAllowed,
  uiOrigin,
  type KioskWindowOptions,
} from './policy.ts';

type Listener = (...args: never[]) => void;

/** An Electron that records what the main process asked of it. */
function fakeElectron(o: { locked?: boolean } = {}) {
  const appListeners = new Map<string, () => void>();
  const contentsListeners = new Map<string, Listener>();
  const handlers = new Map<
    string,
    (event: { sender: { id: number } }, ...args: unknown[]) => unknown
  >();
  const loaded: string[] = [];
  const sent: [string, unknown][] = [];
  let options: KioskWindowOptions | undefined;
  let openHandler: ((d: { url: string }) => { action: 'deny' }) | undefined;
  let reloads = 0;
  let quit = false;
  let permissionsDenied = false;
  let menuRemoved = false;
  const win: WindowLike = {
    webContents: {
      id: 7,
      on: (event: string, l: Listener) => void contentsListeners.set(event, l),
      setWindowOpenHandler: (h) => void (openHandler = h),
      send: (channel, payload) => void sent.push([channel, payload]),
      reload: () => void (reloads += 1),
    },
    loadURL: (url) => {
      loaded.push(url);
      return Promise.resolve();
    },
    once: (_e, l) => l(),
    show: () => undefined,
    focus: () => undefined,
    isMinimized: () => false,
    restore: () => undefined,
  };
  const boundary: ElectronBoundary = {
    app: {
      requestSingleInstanceLock: () => o.locked !== true,
      on: (event, l) => void appListeners.set(event, l),
      whenReady: () => Promise.resolve(),
      quit: () => void (quit = true),
    },
    createWindow: (opts) => {
      options = opts;
      return win;
    },
    ipcMain: { handle: (channel, h) => void handlers.set(channel, h) },
    denyAllPermissions: () => void (permissionsDenied = true),
    removeMenu: () => void (menuRemoved = true),
  };
  return {
    boundary,
    get options() {
      return options;
    },
    get openHandler() {
      return openHandler;
    },
    get reloads() {
      return reloads;
    },
    get quit() {
      return quit;
    },
    get permissionsDenied() {
      return permissionsDenied;
    },
    get menuRemoved() {
      return menuRemoved;
    },
    loaded,
    sent,
    handlers,
    contentsListeners,
  };
}

function fakeService(): ServiceLink & { requests: string[]; push(text: string): void } {
  const pushes: ((t: string) => void)[] = [];
  const requests: string[] = [];
  return {
    requests,
    request: (text) => {
      requests.push(text);
      const { id } = JSON.parse(text) as { id: number };
      return Promise.resolve(JSON.stringify({ id, ok: true, value: { hello: 'screen' } }));
    },
    onPush: (l) => void pushes.push(l),
    onConnection: () => undefined,
    push: (t) => pushes.forEach((l) => l(t)),
  };
}

const URL_ = 'http://127.0.0.1:8780/';

describe('kiosk main process', () => {
  it('opens one hardened fullscreen window with no menus and no permissions', async () => {
    const e = fakeElectron();
    expect(await runKioskApp(e.boundary, fakeService(), { url: URL_, preload: '/p.cjs' })).toBe(
      true,
    );
    expect(e.options).toMatchObject({
      fullscreen: true,
      kiosk: true,
      webPreferences: {
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webviewTag: false,
        devTools: false,
        preload: '/p.cjs',
      },
    });
    expect(e.menuRemoved).toBe(true);
    expect(e.permissionsDenied).toBe(true);
    expect(e.loaded).toEqual([URL_]);
  });

  it('a second instance quits and leaves the first', async () => {
    const e = fakeElectron({ locked: true });
    expect(await runKioskApp(e.boundary, fakeService(), { url: URL_, preload: '/p.cjs' })).toBe(
      false,
    );
    expect(e.quit).toBe(true);
    expect(e.options).toBeUndefined();
  });

  it('blocks navigation away from the UI and every new window', async () => {
    const e = fakeElectron();
    await runKioskApp(e.boundary, fakeService(), { url: URL_, preload: '/p.cjs' });
    const navigate = e.contentsListeners.get('will-navigate') as unknown as (
      ev: { preventDefault(): void },
      url: string,
    ) => void;
    let prevented = 0;
    const ev = { preventDefault: () => void (prevented += 1) };
    navigate(ev, 'http://127.0.0.1:8780/#/status');
    expect(prevented).toBe(0);
    navigate(ev, 'https://example.com/');
    navigate(ev, 'file:///etc/passwd');
    expect(prevented).toBe(2);
    expect(e.openHandler?.({ url: 'https://example.com' })).toEqual({ action: 'deny' });
  });

  it('reloads a crashed renderer, and shows the out-of-service page when it keeps crashing', async () => {
    const e = fakeElectron();
    let now = 0;
    await runKioskApp(e.boundary, fakeService(), { url: URL_, preload: '/p.cjs', now: () => now });
    const gone = e.contentsListeners.get('render-process-gone') as unknown as (
      ev: unknown,
      d: { reason: string },
    ) => void;
    for (let i = 0; i < 3; i += 1) gone({}, { reason: 'crashed' });
    expect(e.reloads).toBe(3);
    gone({}, { reason: 'crashed' });
    expect(e.loaded.at(-1)).toBe(GIVE_UP_PAGE);
    now = 120_000;
    gone({}, { reason: 'oom' });
    expect(e.reloads).toBe(4);
  });

  it('passes well-formed requests of the kiosk window only, and forwards pushes', async () => {
    const e = fakeElectron();
    const service = fakeService();
    await runKioskApp(e.boundary, service, { url: URL_, preload: '/p.cjs' });
    const handle = e.handlers.get(IPC.request);
    expect(handle).toBeDefined();
    await expect(
      handle?.({ sender: { id: 99 } }, { id: 1, method: 'status.get' }),
    ).rejects.toThrow();
    expect(await handle?.({ sender: { id: 7 } }, { id: 2, method: 'status.get' })).toEqual({
      id: 2,
      ok: true,
      value: { hello: 'screen' },
    });
    expect(await handle?.({ sender: { id: 7 } }, { nonsense: true })).toMatchObject({
      ok: false,
      error: { code: 'api/bad-message' },
    });
    expect(service.requests).toHaveLength(1);
    service.push(JSON.stringify({ event: 'status', data: { x: 1 } }));
    service.push('not json');
    expect(e.sent).toEqual([[IPC.push, { event: 'status', data: { x: 1 } }]]);
  });

  it('refuses to show anything but a loopback UI', () => {
    expect(uiOrigin('http://127.0.0.1:8780/')).toBe('http://127.0.0.1:8780');
    expect(() => uiOrigin('https://kazasu.example.jp/')).toThrow(TypeError);
    expect(() => uiOrigin('http://10.0.0.5:8780/')).toThrow(TypeError);
    expect(navigationAllowed('not a url', 'http://127.0.0.1:1')).toBe(false);
  });

  it('counts crashes within a window only', () => {
    const p = new CrashPolicy(1, 1000);
    expect(p.onCrash(0)).toBe('reload');
    expect(p.onCrash(10)).toBe('give-up');
    expect(p.onCrash(5000)).toBe('reload');
  });
});

describe('preload API', () => {
  function fakeIpc(
    reply: unknown,
  ): IpcRendererLike & { emit(channel: string, payload: unknown): void; invoked: unknown[][] } {
    const listeners = new Map<string, (e: unknown, p: unknown) => void>();
    const invoked: unknown[][] = [];
    return {
      invoked,
      invoke: (...args) => {
        invoked.push(args);
        return Promise.resolve(reply);
      },
      on: (channel, l) => void listeners.set(channel, l),
      emit: (channel, payload) => listeners.get(channel)?.({}, payload),
    };
  }

  it('exposes request, pushes and connection state, checked, and no ipcRenderer', async () => {
    const ipc = fakeIpc({ id: 1, ok: true, value: 42 });
    const api = createPreloadApi(ipc);
    expect(Object.keys(api).sort()).toEqual(['connection', 'onConnection', 'onPush', 'request']);
    expect(await api.request('status.get')).toBe(42);
    expect(ipc.invoked[0]).toEqual([IPC.request, { id: 1, method: 'status.get' }]);
    const pushes: unknown[] = [];
    api.onPush((p) => pushes.push(p));
    ipc.emit(IPC.push, { event: 'status', data: 1 });
    ipc.emit(IPC.push, { bogus: true });
    expect(pushes).toEqual([{ event: 'status', data: 1 }]);
    ipc.emit(IPC.connection, 'open');
    ipc.emit(IPC.connection, 'sideways');
    expect(api.connection).toBe('open');
  });

  it('turns an error reply into a rejected promise with its code', async () => {
    const api = createPreloadApi(
      fakeIpc({ id: 1, ok: false, error: { code: 'reader/pin-wrong', message: 'wrong' } }),
    );
    await expect(api.request('counter.pin', { pin: 'xxxx' })).rejects.toMatchObject({
      error: { code: 'reader/pin-wrong' },
    });
  });
});
