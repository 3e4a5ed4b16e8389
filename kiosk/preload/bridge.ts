import { PushSchema, ReplySchema, type Push } from '../../shared/contracts/local-api.ts';
import { IPC } from '../main/policy.ts';

/**
 * What the preload exposes to the renderer as `window.kazasu` (contextBridge): a named, typed
 * API — request, pushes, connection state — and never `ipcRenderer` itself (style.md rule 10).
 * Same shape as the renderer's WebSocket bridge (kiosk/renderer/api.ts).
 */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): void;
}

type State = 'connecting' | 'open' | 'closed';

export function createPreloadApi(ipc: IpcRendererLike) {
  let nextId = 1;
  let state: State = 'connecting';
  const pushes = new Set<(p: Push) => void>();
  const connections = new Set<(s: State) => void>();
  ipc.on(IPC.push, (_e, payload) => {
    const p = PushSchema.safeParse(payload);
    if (p.success) for (const l of pushes) l(p.data);
  });
  ipc.on(IPC.connection, (_e, payload) => {
    if (payload !== 'connecting' && payload !== 'open' && payload !== 'closed') return;
    state = payload;
    for (const l of connections) l(payload);
  });
  return {
    get connection(): State {
      return state;
    },
    async request(method: string, params?: unknown): Promise<unknown> {
      const id = nextId++;
      const reply = ReplySchema.parse(
        await ipc.invoke(
          IPC.request,
          params === undefined ? { id, method } : { id, method, params },
        ),
      );
      if (reply.ok) return reply.value;
      throw Object.assign(new Error(reply.error.message), { error: reply.error });
    },
    onPush(listener: (p: Push) => void): () => void {
      pushes.add(listener);
      return () => void pushes.delete(listener);
    },
    onConnection(listener: (s: State) => void): () => void {
      connections.add(listener);
      return () => void connections.delete(listener);
    },
  };
}
