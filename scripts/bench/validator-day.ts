// A day of service for scripts/bench/validator.ts, in its own process so its memory is its own:
//   node --expose-gc --import tsx scripts/bench/validator-day.ts DATA_DIR FLEET_KEY TAPS ENTITLEMENTS DENIED
// One tap per second of a simulated clock (so 86,400 taps are a day), on an in-process reader,
// with the rider display on an in-process serial pair. Prints one JSON object.
import { readFileSync } from 'node:fs';
import { linkedPair } from '../../hardware/serial/link.ts';
import { ValidatorDisplay } from '../../hardware/validator-display/driver.ts';
import { ValidatorDisplaySimulator } from '../../hardware/validator-display/simulator.ts';
import { openDeviceStore } from '../../kiosk/store/open.ts';
import { ValidatorService, type TapReport } from '../../kiosk/validator/service.ts';
import { riderCard } from '../../kiosk/validator/simulate.ts';
import { createSimulatedCard } from '../../reader/sim/factory.ts';
import { SimHub } from '../../reader/sim/hub.ts';
import { CardSlot } from '../../reader/sim/slot.ts';
import type { Clock } from '../../shared/clock.ts';
import { summarize } from '../../shared/stats.ts';

const [dataDir, keyFile, tapsArg, entArg, denyArg] = process.argv.slice(2);
if (!dataDir || !keyFile)
  throw new Error('usage: validator-day.ts DATA_DIR FLEET_KEY TAPS ENT DENIED');
const taps = Number(tapsArg);
const population = { entitlements: Number(entArg), denied: Number(denyArg) };
const fleetKey = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'hex');
const BUCKET = 4 * 3600; // taps per four hours at one a second

let virtual = Date.now();
const clock: Clock = { now: () => virtual, monotonic: () => performance.now() };
const store = openDeviceStore({ dataDir, deviceId: 'bus-bench', clock });
const slot = new CardSlot('Day Reader');
const hub = new SimHub([slot]);
const [host, device] = linkedPair();
const screen = new ValidatorDisplaySimulator(device);
const service = new ValidatorService({
  hub,
  store,
  fleetKey,
  clock,
  policy: {
    routeId: 'R1',
    stopId: 'S101',
    duplicateWindowMs: 120_000,
    maxDataAgeMs: 30 * 86_400_000,
    stalePolicy: 'accept-and-flag',
    overrunBound: 2,
  },
  display: new ValidatorDisplay(host),
  resultHoldMs: 200,
  housekeeping: { everyMs: 10 * 60_000, retentionMs: 30 * 86_400_000, recentTapMs: 86_400_000 },
});
service.start();
const myNumber = createSimulatedCard('mynumber');
const gc = (globalThis as { gc?: () => void }).gc;

const buckets: unknown[] = [];
let own: number[] = [];
let commit: number[] = [];
let total: number[] = [];
let durable: number[] = [];
service.onDurable((d) => durable.push(d.durableMs));
const started = performance.now();
for (let i = 0; i < taps; i += 1) {
  virtual += 1000;
  const report = new Promise<TapReport>((resolve) => {
    const off = service.onTap((t) => {
      off();
      resolve(t);
    });
  });
  slot.insert(riderCard(i, population, 20261201, myNumber));
  const t = await report;
  slot.remove();
  // Riders are a second apart: the loop lets I/O completions (the WAL flushes) in between,
  // as the real wait would, instead of running taps back to back in microtasks.
  await new Promise((r) => setImmediate(r));
  own.push(t.timings.ownMs);
  commit.push(t.timings.commitMs);
  total.push(t.timings.totalMs);
  if ((i + 1) % BUCKET === 0 || i === taps - 1) {
    gc?.();
    const from = Math.floor(i / BUCKET) * 4;
    buckets.push({
      hours: `${from}–${from + 4}`,
      own: summarize(own),
      commit: summarize(commit),
      total: summarize(total),
      durable: summarize(durable),
      rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
      heapMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
    });
    own = [];
    commit = [];
    total = [];
    durable = [];
  }
}
await service.stop();
const outboxPending = store.outbox.stats().pending;
await screen.close();
store.close();
process.stdout.write(
  JSON.stringify({ buckets, outboxPending, wallS: (performance.now() - started) / 1000 }),
);
