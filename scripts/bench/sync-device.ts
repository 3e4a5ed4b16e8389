// The device side of the sync benchmark, one phase per process so its peak RSS is its own:
//
//   --phase apply    on each `apply [lookups]` line read: sync entitlements (a snapshot or a
//                    delta), with `lookups` while a worker thread looks entitlements up on its
//                    own connection; prints apply time, peak RSS so far, lookup times
//   --phase drain    append --events N events (untimed), then time draining them to the backend
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { setImmediate as yieldImmediate } from 'node:timers/promises';
import { systemClock } from '../../shared/clock.ts';
import { silentLogger } from '../../shared/log.ts';
import { loadConfig } from '../../kiosk/config/load.ts';
import { loadOrCreateIdentity } from '../../kiosk/store/identity.ts';
import { DATABASE_FILE, openDeviceStore } from '../../kiosk/store/open.ts';
import { BackendApi } from '../../kiosk/sync/api.ts';
import { syncDataset } from '../../kiosk/sync/download.ts';
import { drainOutbox } from '../../kiosk/sync/upload.ts';
import { createNodeTransport } from '../../kiosk/sync/transport.ts';
import { pinKeys } from '../../kiosk/sync/verify.ts';
import { randomBytes } from 'node:crypto';

const { values } = parseArgs({
  options: {
    config: { type: 'string' },
    phase: { type: 'string' },
    rows: { type: 'string', default: '1000000' },
    events: { type: 'string', default: '50000' },
  },
});
const config = loadConfig(values.config ?? 'device.json');
const store = openDeviceStore({
  dataDir: config.dataDir,
  deviceId: config.deviceId,
  clock: systemClock,
});
const identity = loadOrCreateIdentity(config.dataDir, config.deviceId);
const transport = createNodeTransport(config.backend.url, { timeoutMs: 60_000 });
const api = new BackendApi({
  transport,
  signer: identity,
  clock: systemClock,
  offset: { get: () => 0, set: () => undefined },
  randomHex: (n) => randomBytes(n).toString('hex'),
});
const out = (v: unknown): void => void process.stdout.write(JSON.stringify(v) + '\n');

async function apply(withLookups: boolean): Promise<void> {
  let worker: Worker | undefined;
  if (withLookups) {
    // Node 20 workers do not inherit tsx's loader: the worker registers it, then loads the .ts.
    const entry = new URL('./lookup-worker.ts', import.meta.url).href;
    const boot = `import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(entry)}); });`;
    worker = new Worker(boot, {
      eval: true,
      workerData: { dbPath: join(config.dataDir, DATABASE_FILE), rows: Number(values.rows) },
    });
    await new Promise((r) => worker?.once('message', r));
  }
  const t0 = performance.now();
  const report = await syncDataset('entitlements', {
    datasets: store.datasets,
    api,
    keys: pinKeys(config.backend.publicKeys),
    clock: systemClock,
    yieldNow: () => yieldImmediate(),
  });
  const applyMs = performance.now() - t0;
  let lookups: { samples: number[]; found: number } | undefined;
  if (worker) {
    const done = new Promise<{ samples: number[]; found: number }>((r) =>
      worker?.once('message', r),
    );
    worker.postMessage('stop');
    lookups = await done;
    await worker.terminate();
  }
  out({ applyMs, report, maxRssMiB: process.resourceUsage().maxRSS / 1024, lookups });
}

if (values.phase === 'apply') {
  // One device process for every version, as on a device that keeps running: the parent writes
  // `apply` or `apply lookups` a line and reads one JSON line back per command.
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.startsWith('apply')) await apply(line.includes('lookups'));
    else break;
  }
} else if (values.phase === 'drain') {
  const n = Number(values.events);
  for (let i = 0; i < n; i += 1)
    store.appendEvent('audit.entry', { n: i, action: 'door-open', at: i * 7 });
  const t0 = performance.now();
  const report = await drainOutbox({
    outbox: store.outbox,
    api,
    logger: silentLogger,
    batchSize: config.sync.batchSize,
    retry: {
      attempts: 3,
      policy: { baseMs: 10, capMs: 100 },
      sleep: () => Promise.resolve(),
      random: Math.random,
    },
  });
  out({ drainMs: performance.now() - t0, report });
}
transport.close();
store.close();
