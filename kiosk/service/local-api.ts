import type { z } from 'zod';
import {
  RequestSchema,
  type ApiErrorCode,
  type Push,
  type Reply,
} from '../../shared/contracts/local-api.ts';
import { KazasuError, serializeError } from '../../shared/errors.ts';
import { Listeners } from '../../shared/listeners.ts';
import { silentLogger, type Logger } from '../../shared/log.ts';

export class ApiError extends KazasuError<ApiErrorCode> {}

type Handler = (params: unknown) => unknown;

interface Entry {
  readonly schema: z.ZodType;
  readonly handler: Handler;
  readonly demoOnly: boolean;
}

/** Events whose last value a newly connected screen gets at once (a state, not a moment). */
const STATEFUL = /^(status|[a-z]+\.view|[a-z]+\.state)$/;

/**
 * The service side of the local API (shared/contracts/local-api.ts), independent of the
 * transport: `handle` takes one message text and answers it, `push` fans events out to every
 * connected screen. The WebSocket server (http.ts) and the Electron main process both feed it.
 * Handlers get params already checked by their schema; whatever they throw becomes a typed
 * error reply, never a dropped connection.
 */
export class LocalApi {
  private readonly methods = new Map<string, Entry>();
  private readonly pushes = new Listeners<Push>();
  private readonly latest = new Map<string, unknown>();
  private readonly log: Logger;

  constructor(private readonly options: { demo: boolean; logger?: Logger }) {
    this.log = (options.logger ?? silentLogger).child({ module: 'local-api' });
  }

  method<S extends z.ZodType>(
    name: string,
    schema: S,
    handler: (params: z.output<S>) => unknown,
    options: { demoOnly?: boolean } = {},
  ): void {
    if (this.methods.has(name)) throw new TypeError(`method ${name} registered twice`);
    this.methods.set(name, {
      schema,
      handler: handler as Handler,
      demoOnly: options.demoOnly ?? false,
    });
  }

  /** Removes the methods whose names start with `prefix` (a role being switched off). */
  unregister(prefix: string): void {
    for (const name of [...this.methods.keys()])
      if (name.startsWith(prefix)) this.methods.delete(name);
  }

  push(event: string, data: unknown): void {
    if (STATEFUL.test(event)) this.latest.set(event, data);
    this.pushes.emit({ event, data });
  }

  /** Subscribes a screen; it first gets the latest value of every stateful event. */
  subscribe(listener: (push: Push) => void): () => void {
    for (const [event, data] of this.latest) listener({ event, data });
    return this.pushes.add(listener);
  }

  async handle(text: string): Promise<Reply> {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return fail(0, new ApiError('api/bad-message', 'the message is not JSON'));
    }
    const request = RequestSchema.safeParse(json);
    if (!request.success) {
      const id =
        typeof (json as { id?: unknown })?.id === 'number' ? (json as { id: number }).id : 0;
      return fail(id, new ApiError('api/bad-message', 'the message is not a request'));
    }
    const { id, method, params } = request.data;
    const entry = this.methods.get(method);
    if (!entry) return fail(id, new ApiError('api/unknown-method', `no method ${method}`));
    if (entry.demoOnly && !this.options.demo)
      return fail(id, new ApiError('api/not-allowed', `${method} works in demo mode only`));
    const parsed = entry.schema.safeParse(params);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), code: i.code }));
      return fail(
        id,
        new ApiError('api/bad-params', `bad params for ${method}`, { details: { issues } }),
      );
    }
    try {
      const value: unknown = await entry.handler(parsed.data);
      return { id, ok: true, value: value ?? null };
    } catch (error) {
      if (!(error instanceof KazasuError))
        this.log.error({ err: serializeError(error), method }, 'handler failed');
      return fail(id, error);
    }
  }
}

function fail(id: number, error: unknown): Reply {
  const e = serializeError(error);
  return {
    id,
    ok: false,
    error: e.details
      ? { code: e.code, message: e.message, details: e.details }
      : { code: e.code, message: e.message },
  };
}
