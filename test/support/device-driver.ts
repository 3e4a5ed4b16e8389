// A device process for the fault tests: it produces events into its outbox and syncs them,
// until `--events N` have been produced and the backend has acknowledged them all. It may be
// killed (SIGKILL) at any point and started again; it continues from what its store holds.
//
//   node --import tsx test/support/device-driver.ts --config FILE --events N [--per-round 97]
//   node --import tsx test/support/device-driver.ts --config FILE --fill   (until the disk is full)
//
// Prints one JSON line at the end: {"done":true,...} or {"error":{...}}.
import { parseArgs } from 'node:util';
import { systemClock } from '../../shared/clock.ts';
import { serializeError } from '../../shared/errors.ts';
import { silentLogger } from '../../shared/log.ts';
import { loadConfig } from '../../kiosk/config/load.ts';
import { loadOrCreateIdentity } from '../../kiosk/store/identity.ts';
import { openDeviceStore } from '../../kiosk/store/open.ts';
import { createSyncClient } from '../../kiosk/sync/setup.ts';

const { values } = parseArgs({
  options: {
    config: { type: 'string' },
    events: { type: 'string', default: '10000' },
    'per-round': { type: 'string', default: '97' },
    fill: { type: 'boolean' },
  },
});

try {
  const config = loadConfig(values.config ?? 'device.json');
  const store = openDeviceStore({
    dataDir: config.dataDir,
    deviceId: config.deviceId,
    clock: systemClock,
  });
  if (values.fill) {
    for (let n = 1; ; n += 1) store.appendEvent('audit.entry', { n, pad: 'x'.repeat(1000) });
  }
  const identity = loadOrCreateIdentity(config.dataDir, config.deviceId);
  const { client, close } = createSyncClient({
    config,
    store,
    identity,
    clock: systemClock,
    logger: silentLogger,
  });
  const target = Number(values.events);
  const perRound = Number(values['per-round']);
  let runs = 0;
  for (;;) {
    const produced = store.outbox.stats().nextSeq - 1;
    for (let n = produced + 1; n <= Math.min(target, produced + perRound); n += 1) {
      store.appendEvent('audit.entry', { n });
    }
    const report = await client.syncOnce();
    runs += 1;
    const stats = store.outbox.stats();
    if (stats.nextSeq - 1 >= target && stats.pending === 0 && report.ok) {
      process.stdout.write(JSON.stringify({ done: true, runs, rejected: stats.rejected }) + '\n');
      break;
    }
  }
  close();
  store.close();
} catch (error) {
  process.stdout.write(JSON.stringify({ error: serializeError(error) }) + '\n');
  process.exitCode = 1;
}
