import {
  PushSchema,
  ReplySchema,
  type ApiError,
  type Push,
} from '../../shared/contracts/local-api.ts';

/**
 * The renderer's one way to the kiosk service. In Electron the preload exposes it as
 * `window.kazasu` (IPC to the main process, which holds the service connection); in a plain
 * browser it is a WebSocket to the page's own origin (`/api`). Same messages either way
 * (shared/contracts/local-api.ts); replies and pushes are checked before they reach a view.
 */
export interface KazasuBridge {
  request(method: string, params?: unknown): Promise<unknown>;
  onPush(listener: (push: Push) => void): () => void;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  readonly connection: ConnectionState;
}

export type ConnectionState = 'connecting' | 'open' | 'closed';

declare global {
  interface Window {
    kazasu?: KazasuBridge;
  }
}

export class RequestFailed extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
  }
}

const RECONNECT_MS = 1000;
const REQUEST_TIMEOUT_MS = 15_000;

/** A bridge over a WebSocket that reconnects by itself: a restarted service is a pause, not an error page. */
export function webSocketBridge(url: string): KazasuBridge {
  let socket: WebSocket | undefined;
  let state: ConnectionState = 'connecting';
  let nextId = 1;
  const pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: number }
  >();
  const pushListeners = new Set<(p: Push) => void>();
  const connectionListeners = new Set<(s: ConnectionState) => void>();
  const setState = (s: ConnectionState): void => {
    state = s;
    for (const l of connectionListeners) l(s);
  };
  const open = (): void => {
    setState('connecting');
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => setState('open');
    ws.onclose = () => {
      socket = undefined;
      for (const [id, p] of pending) {
        window.clearTimeout(p.timer);
        p.reject(new RequestFailed({ code: 'api/disconnected', message: 'the service went away' }));
        pending.delete(id);
      }
      setState('closed');
      window.setTimeout(open, RECONNECT_MS);
    };
    ws.onmessage = (m: MessageEvent<string>) => {
      let json: unknown;
      try {
        json = JSON.parse(m.data);
      } catch {
        return;
      }
      const reply = ReplySchema.safeParse(json);
      if (reply.success && 'id' in reply.data) {
        const p = pending.get(reply.data.id);
        if (!p) return;
        pending.delete(reply.data.id);
        window.clearTimeout(p.timer);
        if (reply.data.ok) p.resolve(reply.data.value);
        else p.reject(new RequestFailed(reply.data.error));
        return;
      }
      const push = PushSchema.safeParse(json);
      if (push.success) for (const l of pushListeners) l(push.data);
    };
  };
  open();
  return {
    get connection() {
      return state;
    },
    request(method, params) {
      const ws = socket;
      if (!ws || ws.readyState !== WebSocket.OPEN)
        return Promise.reject(
          new RequestFailed({ code: 'api/disconnected', message: 'not connected' }),
        );
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = window.setTimeout(() => {
          pending.delete(id);
          reject(new RequestFailed({ code: 'api/timeout', message: `${method} did not answer` }));
        }, REQUEST_TIMEOUT_MS);
        pending.set(id, { resolve, reject, timer });
        ws.send(JSON.stringify(params === undefined ? { id, method } : { id, method, params }));
      });
    },
    onPush(listener) {
      pushListeners.add(listener);
      return () => void pushListeners.delete(listener);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => void connectionListeners.delete(listener);
    },
  };
}

export function connectBridge(): KazasuBridge {
  if (window.kazasu) return window.kazasu;
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return webSocketBridge(`${scheme}://${location.host}/api`);
}
