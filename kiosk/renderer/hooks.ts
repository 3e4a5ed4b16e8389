import { createContext, useContext, useEffect, useState } from 'react';
import type { z } from 'zod';
import type { Push } from '../../shared/contracts/local-api.ts';
import type { ConnectionState, KazasuBridge } from './api.ts';

/**
 * The latest pushed value of every event, kept from the moment the bridge connects, so a view
 * that mounts later still shows the current state (the service sends stateful events once on
 * connect, not again).
 */
export class PushCache {
  private readonly latest = new Map<string, unknown>();
  private readonly listeners = new Set<(p: Push) => void>();

  constructor(bridge: KazasuBridge) {
    bridge.onPush((p) => {
      this.latest.set(p.event, p.data);
      for (const l of this.listeners) l(p);
    });
  }

  get(event: string): unknown {
    return this.latest.get(event);
  }

  subscribe(listener: (p: Push) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}

export interface Services {
  readonly bridge: KazasuBridge;
  readonly pushes: PushCache;
}

export const ServicesContext = createContext<Services | undefined>(undefined);

function useServices(): Services {
  const s = useContext(ServicesContext);
  if (!s) throw new Error('hooks used outside ServicesContext');
  return s;
}

export function useBridge(): KazasuBridge {
  return useServices().bridge;
}

function parse<S extends z.ZodType>(schema: S, data: unknown): z.output<S> | undefined {
  const parsed = schema.safeParse(data);
  return parsed.success ? parsed.data : undefined;
}

/** The latest value of a pushed event, checked with its schema (bad data is dropped, not shown). */
export function usePushed<S extends z.ZodType>(event: string, schema: S): z.output<S> | undefined {
  const { pushes } = useServices();
  const [value, setValue] = useState<z.output<S> | undefined>(() =>
    parse(schema, pushes.get(event)),
  );
  useEffect(
    () =>
      pushes.subscribe((p) => {
        if (p.event !== event) return;
        const v = parse(schema, p.data);
        if (v !== undefined) setValue(v);
      }),
    [pushes, event, schema],
  );
  return value;
}

export function useConnection(): ConnectionState {
  const bridge = useBridge();
  const [state, setState] = useState<ConnectionState>(bridge.connection);
  useEffect(() => {
    const off = bridge.onConnection(setState);
    setState(bridge.connection); // it may have opened between the render and this effect
    return off;
  }, [bridge]);
  return state;
}

/** Re-renders every `ms` (ages on the status page). */
export function useTick(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(t);
  }, [ms]);
  return now;
}
