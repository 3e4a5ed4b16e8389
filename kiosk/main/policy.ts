/**
 * The kiosk window's security settings and rules, pure (style.md rule 10): what the window is
 * allowed to be, where it may navigate, which IPC channels exist. The Electron main process
 * (app.ts) applies them; unit tests check them without an Electron binary.
 */

/** The only IPC channels; anything else is refused by the main process and never exposed. */
export const IPC = {
  /** renderer → main: one local API request (shared/contracts/local-api.ts). */
  request: 'kazasu:request',
  /** main → renderer: a push from the service. */
  push: 'kazasu:push',
  /** main → renderer: the service connection's state. */
  connection: 'kazasu:connection',
} as const;

export interface KioskWindowOptions {
  readonly fullscreen: boolean;
  readonly kiosk: boolean;
  readonly frame: boolean;
  readonly autoHideMenuBar: boolean;
  readonly backgroundColor: string;
  readonly show: boolean;
  readonly webPreferences: {
    readonly preload: string;
    readonly contextIsolation: true;
    readonly sandbox: true;
    readonly nodeIntegration: false;
    readonly nodeIntegrationInWorker: false;
    readonly nodeIntegrationInSubFrames: false;
    readonly webSecurity: true;
    readonly allowRunningInsecureContent: false;
    readonly webviewTag: false;
    readonly spellcheck: false;
    readonly devTools: boolean;
  };
}

/** A fullscreen kiosk window with no menus; devTools only when a technician asks for them. */
export function kioskWindowOptions(o: { preload: string; devTools?: boolean }): KioskWindowOptions {
  return {
    fullscreen: true,
    kiosk: true,
    frame: false,
    autoHideMenuBar: true,
    backgroundColor: '#0b3d91',
    show: false,
    webPreferences: {
      preload: o.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      devTools: o.devTools ?? false,
    },
  };
}

/** The service's UI origin must be loopback: the kiosk never shows anything else. */
export function uiOrigin(url: string): string {
  const u = new URL(url);
  if (u.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname))
    throw new TypeError(`the kiosk UI must be served from loopback over http, not ${u.origin}`);
  return u.origin;
}

/** Navigation inside the window: within the UI's own origin only (hash routes, reloads). */
export function navigationAllowed(target: string, origin: string): boolean {
  try {
    return new URL(target).origin === origin;
  } catch {
    return false;
  }
}

/**
 * After a renderer crash the window is reloaded, unless it keeps crashing: more than
 * `limit` crashes within `windowMs` shows the built-in error page instead of a reload loop.
 */
export class CrashPolicy {
  private readonly crashes: number[] = [];

  constructor(
    private readonly limit = 3,
    private readonly windowMs = 60_000,
  ) {}

  onCrash(now: number): 'reload' | 'give-up' {
    this.crashes.push(now);
    while (this.crashes.length > 0 && now - (this.crashes[0] ?? now) > this.windowMs)
      this.crashes.shift();
    return this.crashes.length > this.limit ? 'give-up' : 'reload';
  }
}

/** Shown when the renderer cannot be kept alive: plain HTML, no script, in both languages. */
export const GIVE_UP_PAGE =
  'data:text/html;charset=utf-8,' +
  encodeURIComponent(
    '<!doctype html><html lang="ja"><meta charset="utf-8"><title>Kazasu</title>' +
      '<body style="font:32px sans-serif;background:#a50e0e;color:#fff;padding:2em">' +
      '<p>この端末は現在ご利用いただけません。係員にお知らせください。</p>' +
      '<p lang="en">This terminal is out of service. Please ask a member of staff.</p></body></html>',
  );
