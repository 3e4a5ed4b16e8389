/**
 * Wires a sync client from a device config: the store, the device identity, the node:http
 * transport, the pinned keys. The one place the real clock, randomness and timers are chosen.
 */
import { randomBytes } from 'node:crypto';
import { setImmediate as yieldImmediate, setTimeout as sleep } from 'node:timers/promises';
import type { LoadedConfig } from '../config/load.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import { loadOrCreateIdentity, type DeviceIdentity } from '../store/identity.ts';
import { serializeError } from '../../shared/errors.ts';
import type { DeviceStore } from '../store/store.ts';
import { BackendApi } from './api.ts';
import { SyncClient } from './client.ts';
import { createNodeTransport, type HttpTransport } from './transport.ts';
import { pinKeys } from './verify.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export function createSyncClient(o: {
  config: LoadedConfig;
  store: DeviceStore;
  identity: DeviceIdentity;
  clock: Clock;
  logger: Logger;
  transport?: HttpTransport;
}): { client: SyncClient; close: () => void } {
  const transport =
    o.transport ??
    createNodeTransport(o.config.backend.url, { timeoutMs: o.config.backend.timeoutMs });
  const api = new BackendApi({
    transport,
    signer: o.identity,
    clock: o.clock,
    offset: {
      get: () => o.store.syncState.read().clockOffsetMs,
      set: (ms) => o.store.syncState.update({ clockOffsetMs: ms }),
    },
    randomHex: (n) => randomBytes(n).toString('hex'),
  });
  const client = new SyncClient({
    store: o.store,
    api,
    role: o.config.role,
    keys: pinKeys(o.config.backend.publicKeys),
    clock: o.clock,
    logger: o.logger.child({ module: 'sync' }),
    sleep: (ms) => sleep(ms),
    random: Math.random,
    yieldNow: () => yieldImmediate(),
    batchSize: o.config.sync.batchSize,
    attempts: o.config.sync.attempts,
    retentionMs: o.config.sync.retentionDays * DAY_MS,
  });
  return { client, close: () => transport.close() };
}

/** A sync loop running beside a role (every `sync.intervalSeconds`), until `stop`. */
export interface BackgroundSync {
  stop(): Promise<void>;
}

/**
 * Starts `client.run` for a device's own identity and leaves it running: the role keeps
 * working whatever the network does, and the loop records its failures as sync state for
 * `kazasu sync status` and the status page.
 */
export function startBackgroundSync(o: {
  config: LoadedConfig;
  store: DeviceStore;
  clock: Clock;
  logger: Logger;
}): BackgroundSync {
  const identity = loadOrCreateIdentity(o.config.dataDir, o.config.deviceId);
  const { client, close } = createSyncClient({ ...o, identity });
  const abort = new AbortController();
  const running = client
    .run(o.config.sync.intervalSeconds * 1000, abort.signal)
    .catch((error: unknown) => o.logger.warn({ err: serializeError(error) }, 'sync loop ended'));
  return {
    async stop() {
      abort.abort();
      await running;
      close();
    },
  };
}
