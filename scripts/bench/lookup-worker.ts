// A tap path on its own thread and connection: looks up entitlements of random known riders
// as fast as it can while the main thread applies a snapshot, and reports each lookup's time.
import { parentPort, workerData } from 'node:worker_threads';
import { createHash } from 'node:crypto';
import { openReadableDb } from '../../kiosk/store/open.ts';
import { Lookups } from '../../kiosk/store/lookups.ts';

const { dbPath, rows } = workerData as { dbPath: string; rows: number };
const lookups = new Lookups(openReadableDb(dbPath));
const samples: number[] = [];
let found = 0;
let running = true;

parentPort?.on('message', (m: string) => {
  if (m === 'stop') running = false;
});

export function benchToken(i: number): Buffer {
  return createHash('sha256').update(`bench-rider-${i}`).digest();
}

async function loop(): Promise<void> {
  while (running) {
    for (let k = 0; k < 50; k += 1) {
      const token = benchToken(Math.floor(Math.random() * rows));
      const t0 = performance.now();
      const hit = lookups.entitlement(token);
      samples.push(performance.now() - t0);
      if (hit) found += 1;
    }
    // Let the stop message in; a tap path is event-driven too.
    await new Promise((r) => setImmediate(r));
  }
  parentPort?.postMessage({ samples, found });
}

parentPort?.postMessage('ready');
void loop();
