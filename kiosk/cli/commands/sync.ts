import { parseArgs } from 'node:util';
import { DATASETS_BY_ROLE } from '../../../shared/contracts/sync/datasets.ts';
import { systemClock } from '../../../shared/clock.ts';
import { configPath, loadConfig, type LoadedConfig } from '../../config/load.ts';
import { loadOrCreateIdentity } from '../../store/identity.ts';
import { openDeviceStore } from '../../store/open.ts';
import type { DeviceStore } from '../../store/store.ts';
import { createSyncClient } from '../../sync/setup.ts';
import { syncStatus } from '../../sync/status.ts';
import { errorJson, type CliContext } from '../context.ts';

export const syncHelp = `kazasu sync [--once] [--json] [--config FILE]
  Uploads the outbox and brings the role's datasets up to date. --once: one run, then exit
  (0 all done, 1 with {"error":{"code":...}} when the backend is unreachable or refused
  something — the state is kept for "sync status"). Without --once: repeat every
  sync.intervalSeconds, backing off while the backend is away, until Ctrl-C.
  The config comes from --config, $KAZASU_CONFIG or /etc/kazasu/device.json.`;

export const syncStatusHelp = `kazasu sync status [--json] [--config FILE]
  Per dataset: version, age (seconds since the backend made it), rows; outbox: pending count,
  oldest pending event, rejected events; the last run's time and error code.`;

export const syncIdentityHelp = `kazasu sync identity [--json] [--config FILE]
  The device id, role and public key to register at the backend
  (npm run backend -- device add --id … --role … --public-key …). Makes the key at first use.`;

const common = { json: { type: 'boolean' }, config: { type: 'string' } } as const;

function withStore<T>(config: LoadedConfig, run: (store: DeviceStore) => T): T {
  const store = openDeviceStore({
    dataDir: config.dataDir,
    deviceId: config.deviceId,
    clock: systemClock,
  });
  try {
    return run(store);
  } finally {
    store.close();
  }
}

function fail(ctx: CliContext, json: boolean | undefined, error: unknown): number {
  if (json) ctx.out(JSON.stringify(errorJson(error)));
  else ctx.err(`kazasu sync: ${JSON.stringify(errorJson(error).error)}`);
  return 1;
}

export async function syncCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { ...common, once: { type: 'boolean' } },
    strict: true,
  });
  let config: LoadedConfig;
  try {
    config = loadConfig(configPath(values.config));
  } catch (error) {
    return fail(ctx, values.json, error);
  }
  const store = openDeviceStore({
    dataDir: config.dataDir,
    deviceId: config.deviceId,
    clock: systemClock,
  });
  const identity = loadOrCreateIdentity(config.dataDir, config.deviceId);
  const { client, close } = createSyncClient({
    config,
    store,
    identity,
    clock: systemClock,
    logger: ctx.logger,
  });
  try {
    if (!values.once) {
      const stop = new AbortController();
      void ctx.interrupted.then(() => stop.abort());
      await client.run(config.sync.intervalSeconds * 1000, stop.signal);
      return 0;
    }
    const report = await client.syncOnce();
    if (values.json) ctx.out(JSON.stringify(report));
    else {
      const up = report.upload;
      ctx.out(
        `uploaded: ${up ? `${up.acked} acknowledged, ${up.rejected} rejected` : 'nothing (no connection)'}`,
      );
      for (const d of report.datasets) {
        ctx.out(
          'error' in d
            ? `${d.dataset}: refused (${d.error.code})`
            : `${d.dataset}: version ${d.to}${d.applied.length ? ` (was ${d.from})` : ''}`,
        );
      }
      if (report.error) ctx.err(`kazasu sync: ${report.error.code}: ${report.error.message}`);
    }
    return report.ok ? 0 : 1;
  } finally {
    close();
    store.close();
  }
}

export function syncStatusCommand(argv: string[], ctx: CliContext): number {
  const { values } = parseArgs({ args: argv, options: common, strict: true });
  try {
    const config = loadConfig(configPath(values.config));
    const status = withStore(config, (store) =>
      syncStatus({
        deviceId: config.deviceId,
        role: config.role,
        now: systemClock.now(),
        wanted: DATASETS_BY_ROLE[config.role],
        states: store.datasets.states(),
        outbox: store.outbox.stats(),
        sync: store.syncState.read(),
      }),
    );
    if (values.json) ctx.out(JSON.stringify(status));
    else {
      ctx.out(`${status.deviceId} (${status.role})`);
      for (const d of status.datasets) {
        ctx.out(
          `  ${d.dataset.padEnd(13)} ${d.version === null ? 'none yet' : `version ${d.version}, ${d.rows} rows, ${d.ageSeconds} s old`}`,
        );
      }
      const o = status.outbox;
      ctx.out(
        `  outbox        ${o.pending} pending${o.oldestPendingAt ? ` (oldest ${o.oldestPendingAt})` : ''}, ${o.rejected} rejected`,
      );
      const l = status.lastSync;
      ctx.out(
        `  last sync     ${l.successAt ?? 'never'}${l.errorCode ? `; last error ${l.errorCode} at ${l.errorAt}` : ''}`,
      );
    }
    return 0;
  } catch (error) {
    return fail(ctx, values.json, error);
  }
}

export function syncIdentityCommand(argv: string[], ctx: CliContext): number {
  const { values } = parseArgs({ args: argv, options: common, strict: true });
  try {
    const config = loadConfig(configPath(values.config));
    const id = loadOrCreateIdentity(config.dataDir, config.deviceId);
    const result = {
      deviceId: config.deviceId,
      role: config.role,
      publicKey: id.publicKey,
      keyId: id.keyId,
    };
    ctx.out(
      values.json
        ? JSON.stringify(result)
        : `${result.deviceId} (${result.role})\npublic key ${result.publicKey}\nregister: npm run backend -- device add --id ${result.deviceId} --role ${result.role} --public-key ${result.publicKey}`,
    );
    return 0;
  } catch (error) {
    return fail(ctx, values.json, error);
  }
}
