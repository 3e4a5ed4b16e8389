/**
 * The composition root of the kiosk service: from a device config to readers, store, sync, the
 * role's flow and devices, the local API and the UI server. `kazasu start` runs it on a real
 * device; the demo (scripts/demo) runs the very same thing with simulated devices behind it.
 */
import { systemClock, type Clock } from '../../shared/clock.ts';
import type { DeviceRole } from '../../shared/contracts/sync/events.ts';
import type { Logger } from '../../shared/log.ts';
import { ConfigError, readFleetKey, type LoadedConfig } from '../config/load.ts';
import { createPcscHub } from '../devices/pcsc.ts';
import { openSerialLink } from '../devices/serial.ts';
import { openDeviceStore } from '../store/open.ts';
import type { DeviceStore } from '../store/store.ts';
import { startBackgroundSync } from '../sync/setup.ts';
import { ReconnectingDisplay } from '../validator/display-link.ts';
import { policyOf } from '../validator/policy.ts';
import { startUiServer, type UiServer } from './http.ts';
import { KioskService, type DeviceReport, type RoleController } from './kiosk-service.ts';
import { LocalApi } from './local-api.ts';
import { ValidatorRole } from './validator-role.ts';
import type { ReaderHub } from '../../reader/hub.ts';

export interface RunningKiosk {
  readonly api: LocalApi;
  readonly service: KioskService;
  readonly ui: UiServer;
  readonly store: DeviceStore;
  readonly hub: ReaderHub;
  stop(): Promise<void>;
}

/** Extra role factories a caller adds (the demo's simulated peripherals plug in here). */
export type RoleFactory = (ctx: RoleContext) => RoleController;

export interface RoleContext {
  readonly config: LoadedConfig;
  readonly hub: ReaderHub;
  readonly store: DeviceStore;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface StartKioskOptions {
  readonly config: LoadedConfig;
  readonly demo: boolean;
  readonly rendererDir: string;
  readonly port?: number;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** The counter and library flows (the validator is built in). */
  readonly roleFactories?: Partial<Record<Exclude<DeviceRole, 'validator'>, RoleFactory>>;
  readonly sync?: boolean;
}

export async function startKiosk(o: StartKioskOptions): Promise<RunningKiosk> {
  const clock = o.clock ?? systemClock;
  const { config, logger } = o;
  const store = openDeviceStore({ dataDir: config.dataDir, deviceId: config.deviceId, clock });
  const hub = createPcscHub(logger);
  const api = new LocalApi({ demo: o.demo, logger });
  const ctx: RoleContext = { config, hub, store, clock, logger };

  let display: ReconnectingDisplay | undefined;
  let controller: RoleController | undefined;
  const v = config.validator;
  if (config.role === 'validator') {
    if (!v)
      throw new ConfigError(
        'config/invalid',
        `${config.path}: a validator needs a "validator" section`,
        {
          details: { path: config.path, issues: [{ path: 'validator', code: 'missing' }] },
        },
      );
    const fleetKey = readFleetKey(config);
    if (v.display) {
      const { path, baudRate } = v.display;
      display = new ReconnectingDisplay(() => openSerialLink(path, baudRate), { logger });
      await display.connect();
    }
    controller = new ValidatorRole({
      hub,
      store,
      fleetKey,
      clock,
      policy: policyOf(v),
      fareTable: v.fareTable,
      readers: v.readers,
      display,
      cardTimeoutMs: v.cardTimeoutMs,
      resultHoldMs: v.resultHoldMs,
      fsync: v.fsync,
      housekeeping: {
        everyMs: 10 * 60_000,
        retentionMs: config.sync.retentionDays * 86_400_000,
        recentTapMs: 86_400_000,
      },
      logger,
    });
  } else {
    controller = o.roleFactories?.[config.role]?.(ctx);
  }

  const sync = o.sync === false ? undefined : startBackgroundSync({ config, store, clock, logger });
  let backendState: DeviceReport['state'] = sync ? 'unreachable' : 'absent';
  const service = new KioskService({
    deviceId: config.deviceId,
    demo: o.demo,
    hub,
    store,
    api,
    clock,
    role: config.role,
    controller,
    devices: () => {
      const s = store.syncState.read();
      if (backendState !== 'absent')
        backendState =
          s.lastSuccessAt !== null && (s.lastErrorAt === null || s.lastSuccessAt >= s.lastErrorAt)
            ? 'ok'
            : 'unreachable';
      return [{ kind: 'backend', name: config.backend.url, state: backendState }];
    },
    logger,
  });
  await service.start();
  const ui = await startUiServer({
    api,
    rendererDir: o.rendererDir,
    ...(o.port === undefined ? {} : { port: o.port }),
    logger,
  });
  return {
    api,
    service,
    ui,
    store,
    hub,
    async stop() {
      await ui.close();
      await service.stop();
      await sync?.stop();
      await display?.close();
      await hub.close();
      store.close();
    },
  };
}
