/**
 * Whether the municipality backend answers, for the counter's offline banner and the status
 * page: its unsigned health route (`GET /v1/health`, scripts/backend/openapi.yaml) asked every
 * `everyMs`, and what the flow itself learns between two asks (a look-up that went through, or
 * one that found the backend gone). An unreachable backend is a state, never an error.
 */
import { PATHS } from '../../shared/contracts/sync/constants.ts';
import { Listeners } from '../../shared/listeners.ts';
import type { HttpTransport } from '../sync/transport.ts';

export type BackendReach = 'online' | 'offline' | 'unknown';

/** The health answer is a few bytes; anything larger is not our backend. */
const MAX_HEALTH_BYTES = 4096;

export class BackendProbe {
  private current: BackendReach = 'unknown';
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly changes = new Listeners<BackendReach>();

  constructor(
    private readonly transport: HttpTransport,
    private readonly everyMs: number,
  ) {}

  get state(): BackendReach {
    return this.current;
  }

  onChange(listener: (state: BackendReach) => void): () => void {
    return this.changes.add(listener);
  }

  /** What a look-up or another request just showed. */
  report(state: Exclude<BackendReach, 'unknown'>): void {
    if (state === this.current) return;
    this.current = state;
    this.changes.emit(state);
  }

  /** Asks once now (one ask at a time), then every `everyMs` until `stop`. */
  start(): Promise<void> {
    const first = this.check();
    this.timer = setInterval(() => void this.check(), this.everyMs);
    this.timer.unref?.();
    return first;
  }

  check(): Promise<void> {
    this.running ??= this.ask().finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async ask(): Promise<void> {
    try {
      const res = await this.transport.request({
        method: 'GET',
        target: PATHS.health,
        headers: {},
      });
      await res.text(MAX_HEALTH_BYTES);
      this.report(res.status === 200 ? 'online' : 'offline');
    } catch {
      this.report('offline');
    }
  }
}
