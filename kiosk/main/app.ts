import { ReplySchema, RequestSchema } from '../../shared/contracts/local-api.ts';
import {
  CrashPolicy,
  GIVE_UP_PAGE,
  IPC,
  kioskWindowOptions,
  navigationAllowed,
  uiOrigin,
  type KioskWindowOptions,
} from './policy.ts';

/**
 * The Electron main process, thin: one hardened kiosk window on the service's UI, and the IPC
 * bridge between the preload and the service's local API. Everything Electron is reached
 * through `ElectronBoundary`, so this file is tested without an Electron binary (which these
 * machines cannot download); entry.ts passes the real modules.
 */
export interface WebContentsLike {
  on(
    event: 'will-navigate' | 'will-redirect',
    l: (e: { preventDefault(): void }, url: string) => void,
  ): void;
  on(event: 'render-process-gone', l: (e: unknown, details: { reason: string }) => void): void;
  setWindowOpenHandler(h: (d: { url: string }) => { action: 'deny' }): void;
  send(channel: string, payload: unknown): void;
  reload(): void;
  readonly id: number;
}

export interface WindowLike {
  readonly webContents: WebContentsLike;
  loadURL(url: string): Promise<void>;
  once(event: 'ready-to-show', l: () => void): void;
  show(): void;
  focus(): void;
  isMinimized(): boolean;
  restore(): void;
}

export interface ElectronBoundary {
  readonly app: {
    requestSingleInstanceLock(): boolean;
    on(event: 'second-instance' | 'window-all-closed', l: () => void): void;
    whenReady(): Promise<void>;
    quit(): void;
  };
  createWindow(options: KioskWindowOptions): WindowLike;
  readonly ipcMain: {
    handle(
      channel: string,
      handler: (event: { sender: { id: number } }, ...args: unknown[]) => unknown,
    ): void;
  };
  /** Denies every permission request (camera, microphone, notifications …) of the session. */
  denyAllPermissions(): void;
  removeMenu(): void;
}

/** The service connection as the main process needs it (a WebSocket client in entry.ts). */
export interface ServiceLink {
  request(text: string): Promise<string>;
  onPush(listener: (text: string) => void): void;
  onConnection(listener: (state: 'connecting' | 'open' | 'closed') => void): void;
}

export interface KioskAppOptions {
  readonly url: string;
  readonly preload: string;
  readonly devTools?: boolean;
  readonly now?: () => number;
}

/** Returns false when another instance already runs (this one quits). */
export async function runKioskApp(
  e: ElectronBoundary,
  service: ServiceLink,
  o: KioskAppOptions,
): Promise<boolean> {
  if (!e.app.requestSingleInstanceLock()) {
    e.app.quit();
    return false;
  }
  const origin = uiOrigin(o.url);
  await e.app.whenReady();
  e.removeMenu();
  e.denyAllPermissions();
  const win = e.createWindow(
    kioskWindowOptions({ preload: o.preload, devTools: o.devTools ?? false }),
  );
  const contents = win.webContents;
  e.app.on('second-instance', () => {
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  e.app.on('window-all-closed', () => e.app.quit());
  const guard = (event: { preventDefault(): void }, url: string): void => {
    if (!navigationAllowed(url, origin)) event.preventDefault();
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  const crashes = new CrashPolicy();
  contents.on('render-process-gone', () => {
    if (crashes.onCrash((o.now ?? Date.now)()) === 'reload') contents.reload();
    else void win.loadURL(GIVE_UP_PAGE);
  });

  // Only the kiosk window may call the API, and only with well-formed requests.
  e.ipcMain.handle(IPC.request, async (event, message) => {
    if (event.sender.id !== contents.id) throw new Error('not the kiosk window');
    const request = RequestSchema.safeParse(message);
    if (!request.success) {
      return { id: 0, ok: false, error: { code: 'api/bad-message', message: 'not a request' } };
    }
    const reply = ReplySchema.safeParse(
      JSON.parse(await service.request(JSON.stringify(request.data))),
    );
    return reply.success
      ? reply.data
      : {
          id: request.data.id,
          ok: false,
          error: { code: 'api/bad-message', message: 'bad reply' },
        };
  });
  service.onPush((text) => {
    try {
      contents.send(IPC.push, JSON.parse(text));
    } catch {
      // a push that is not JSON is dropped, as the browser bridge does
    }
  });
  service.onConnection((state) => contents.send(IPC.connection, state));
  win.once('ready-to-show', () => win.show());
  await win.loadURL(o.url);
  return true;
}
