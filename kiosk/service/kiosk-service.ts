import type { ReaderHub } from '../../reader/hub.ts';
import { CORE_METHODS, type Status } from '../../shared/contracts/local-api.ts';
import { DATASETS_BY_ROLE } from '../../shared/contracts/sync/datasets.ts';
import type { DeviceRole } from '../../shared/contracts/sync/events.ts';
import type { Clock } from '../../shared/clock.ts';
import { serializeError } from '../../shared/errors.ts';
import { silentLogger, type Logger } from '../../shared/log.ts';
import type { DeviceStore } from '../store/store.ts';
import { syncStatus } from '../sync/status.ts';
import type { LocalApi } from './local-api.ts';

/** A device on the status page that a role owns (rider display, printer, camera …). */
export type DeviceReport = Status['devices'][number];

/**
 * What a role brings to the service: its flow and devices, its API methods (registered on
 * start under its own prefix, removed on stop), and its devices' states for the status page.
 */
export interface RoleController {
  readonly role: DeviceRole;
  start(api: LocalApi): Promise<void>;
  stop(): Promise<void>;
  devices(): readonly DeviceReport[];
}

export interface KioskServiceOptions {
  readonly deviceId: string;
  readonly demo: boolean;
  readonly hub: ReaderHub;
  readonly store: DeviceStore;
  readonly api: LocalApi;
  readonly clock: Clock;
  readonly role: DeviceRole;
  /** The role's flow and devices; absent when this build has none for the configured role. */
  readonly controller: RoleController | undefined;
  /** Devices that belong to the machine, not to a role (the backend link). */
  readonly devices?: () => readonly DeviceReport[];
  readonly statusEveryMs?: number;
  readonly logger?: Logger;
}

/**
 * The headless kiosk service (architecture "Processes"): owns the readers, the store and the
 * role's flow, and publishes their state on the local API. The UI (browser or Electron) is a
 * client of it and may come and go. A device has one role, from its config.
 */
export class KioskService {
  private role: RoleController | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt: number;
  private readonly log: Logger;
  private unsubscribeHub: (() => void) | undefined;

  constructor(private readonly o: KioskServiceOptions) {
    this.startedAt = o.clock.now();
    this.log = (o.logger ?? silentLogger).child({ module: 'kiosk-service' });
  }

  async start(): Promise<void> {
    const { api } = this.o;
    api.method('status.get', CORE_METHODS['status.get'], () => this.status());
    this.unsubscribeHub = this.o.hub.subscribe(() => this.publishStatus());
    if (this.o.controller) {
      await this.o.controller.start(api);
      this.role = this.o.controller;
    } else {
      this.log.warn({ role: this.o.role }, 'no flow for this role: status only');
    }
    this.publishStatus();
    this.timer = setInterval(() => this.publishStatus(), this.o.statusEveryMs ?? 2000);
    this.timer.unref?.();
  }

  status(): Status {
    const { store, hub, clock } = this.o;
    const role = this.o.role;
    const now = clock.now();
    const sync = syncStatus({
      deviceId: this.o.deviceId,
      role,
      now,
      wanted: DATASETS_BY_ROLE[role],
      states: store.datasets.states(),
      outbox: store.outbox.stats(),
      sync: store.syncState.read(),
    });
    return {
      deviceId: this.o.deviceId,
      role,
      demo: this.o.demo,
      startedAt: this.startedAt,
      pcscd: hub.status,
      readers: hub
        .readers()
        .map((r) => ({ name: r.name, cardPresent: r.cardPresent, inSession: r.inSession })),
      devices: [...(this.role?.devices() ?? []), ...(this.o.devices?.() ?? [])],
      datasets: sync.datasets.map((d) => ({
        dataset: d.dataset,
        version: d.version,
        rows: d.rows,
        ageSeconds: d.ageSeconds,
      })),
      outbox: {
        pending: sync.outbox.pending,
        oldestPendingAt: sync.outbox.oldestPendingAt,
        rejected: sync.outbox.rejected,
      },
      lastSync: { successAt: sync.lastSync.successAt, errorCode: sync.lastSync.errorCode },
    };
  }

  private publishStatus(): void {
    try {
      this.o.api.push('status', this.status());
    } catch (error) {
      this.log.warn({ err: serializeError(error) }, 'status could not be read');
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.unsubscribeHub?.();
    await this.role?.stop();
    this.role = undefined;
  }
}
