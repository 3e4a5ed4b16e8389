/**
 * Wires a counter from a device config: the card readers (pcscd), the face camera on its
 * serial port, the signed backend client for the resident look-up, forms and printing
 * (compose-forms.ts), and the audit log in the device database. The real clock and randomness
 * are chosen here. A camera whose port cannot be opened is reported and left out (the PIN and
 * the staff check still work); an unreachable backend is the flow's offline state.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Clock } from '../../shared/clock.ts';
import type { CounterConfig } from '../../shared/config/counter.ts';
import { serializeError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/log.ts';
import type { ReaderHub } from '../../reader/hub.ts';
import { defaultCaKeySet, type CaKeySet } from '../../reader/mynumber/ca-keys.ts';
import { FaceCamera } from '../../hardware/face-camera/driver.ts';
import { AuditLog } from '../audit/log.ts';
import { ConfigError, type LoadedConfig } from '../config/load.ts';
import { createPcscHub } from '../devices/pcsc.ts';
import { openSerialLink } from '../devices/serial.ts';
import { loadOrCreateIdentity } from '../store/identity.ts';
import { DATABASE_FILE, openWritableDb } from '../store/open.ts';
import { DeviceStore } from '../store/store.ts';
import { BackendApi } from '../sync/api.ts';
import { createNodeTransport } from '../sync/transport.ts';
import { createFormsPort, type PrintTarget } from './compose-forms.ts';
import type { CounterForms } from './forms-port.ts';
import { BackendResidents } from './residents-client.ts';
import { CounterService } from './service.ts';

export interface CounterWiring {
  readonly config: LoadedConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly printTarget: PrintTarget;
  /** Default: the J-LIS keys (production cards only). */
  readonly caKeys?: CaKeySet;
  readonly acceptTestCards?: boolean;
  /** Default: pcscd through pcsclite. */
  readonly hub?: ReaderHub;
  /** Default: kiosk/forms with the shipped templates. */
  readonly forms?: CounterForms;
}

export interface Counter {
  readonly service: CounterService;
  readonly audit: AuditLog;
  readonly camera: FaceCamera | undefined;
  readonly config: CounterConfig;
  close(): Promise<void>;
}

export function counterSection(config: LoadedConfig): CounterConfig {
  if (config.role !== 'counter' || !config.counter) {
    throw new ConfigError(
      'config/invalid',
      `${config.path}: a counter needs role "counter" and a "counter" section`,
      {
        details: {
          path: config.path,
          issues: [{ path: 'counter', message: 'required for the counter' }],
        },
      },
    );
  }
  return config.counter;
}

async function openCamera(c: CounterConfig, logger: Logger): Promise<FaceCamera | undefined> {
  if (!c.faceCamera) return undefined;
  try {
    const link = await openSerialLink(c.faceCamera.path, c.faceCamera.baudRate);
    return new FaceCamera(link, { logger });
  } catch (error) {
    logger.warn(
      { err: serializeError(error) },
      'face camera not available: PIN and staff check only',
    );
    return undefined;
  }
}

export async function createCounter(w: CounterWiring): Promise<Counter> {
  const c = counterSection(w.config);
  const { config, clock, logger } = w;
  const db = openWritableDb(join(config.dataDir, DATABASE_FILE));
  const closers: (() => unknown)[] = [() => db.close()];
  try {
    const store = new DeviceStore(db, config.deviceId, clock, (n) => randomBytes(n));
    const audit = new AuditLog(db, store.outbox, clock);
    const identity = loadOrCreateIdentity(config.dataDir, config.deviceId);
    const transport = createNodeTransport(config.backend.url, { timeoutMs: c.lookupTimeoutMs });
    closers.push(() => transport.close());
    let offset = 0;
    const api = new BackendApi({
      transport,
      signer: identity,
      clock,
      offset: { get: () => offset, set: (ms) => (offset = ms) },
      randomHex: (n) => randomBytes(n).toString('hex'),
    });
    const hub = w.hub ?? createPcscHub(logger);
    if (!w.hub) closers.push(() => hub.close());
    const camera = await openCamera(c, logger);
    if (camera) closers.push(() => camera.close());
    const service = new CounterService({
      hub,
      camera,
      residents: new BackendResidents(api),
      forms:
        w.forms ?? createFormsPort({ municipalityCode: c.municipalityCode, target: w.printTarget }),
      audit,
      policy: {
        faceThreshold: c.faceMatchThreshold,
        faceAttempts: c.faceAttempts,
        maxPersons: c.maxPersons,
      },
      municipalityCode: c.municipalityCode,
      caKeys: w.caKeys ?? defaultCaKeySet(),
      acceptTestCards: w.acceptTestCards === true,
      idleTimeoutMs: c.idleTimeoutSeconds * 1000,
      clock,
      logger,
    });
    await service.start();
    return {
      service,
      audit,
      camera,
      config: c,
      async close() {
        await service.close();
        for (const close of closers.reverse()) await close();
      },
    };
  } catch (error) {
    for (const close of closers.reverse()) await close();
    throw error;
  }
}
