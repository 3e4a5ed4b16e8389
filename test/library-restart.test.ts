import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoPatronCache } from '../kiosk/library/demo-data.ts';
import { installPatronCache } from '../kiosk/library/patron-cache.ts';
import { formatSip2Date } from '../kiosk/library/sip2/dates.ts';
import { SIM } from '../kiosk/library/sip2/sim/data.ts';
import { Sip2Simulator } from '../kiosk/library/sip2/sim/server.ts';
import { openDeviceStore } from '../kiosk/store/open.ts';
import { systemClock } from '../shared/clock.ts';
import { writeDeviceConfig } from './support/backend.ts';
import { killAllLibraries, killed, library as run, screen } from './support/library.ts';

// Nothing is lost across restarts: `kazasu library` (the real command, its own process) lends
// offline while the library system is down and is killed with SIGKILL mid-session; started
// again with the library system back, it forwards every checkout the patron was told about,
// with no-block and the original time. A second kill in the middle of forwarding changes
// nothing either: what was forwarded stays forwarded, the rest goes on the next start.

const fleetKey = randomBytes(32);
let dir: string;
let config: string;
let sim: Sip2Simulator;

function pendingRows() {
  const store = openDeviceStore({
    dataDir: join(dir, 'data'),
    deviceId: 'lib-chuo-9',
    clock: systemClock,
  });
  try {
    return {
      pending: store.checkouts.pending(),
      types: store.outbox.pending(100).map((e) => e.type),
    };
  } finally {
    store.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kazasu-library-restart-'));
  sim = new Sip2Simulator();
  await sim.start(); // take a free port, then go away: the library system is down at first
  await sim.stop();
  config = writeDeviceConfig(dir, {
    deviceId: 'lib-chuo-9',
    role: 'library',
    url: 'http://127.0.0.1:9',
    publicKeys: [Buffer.alloc(32, 1).toString('base64')],
    fleetKeyHex: fleetKey.toString('hex'),
    extra: {
      library: {
        sip2: {
          host: sim.host,
          port: sim.port,
          institutionId: SIM.institution,
          login: SIM.login,
          timeoutMs: 300,
          retries: 0,
        },
        offline: { maxItems: 10 },
      },
    },
  });
  const store = openDeviceStore({
    dataDir: join(dir, 'data'),
    deviceId: 'lib-chuo-9',
    clock: systemClock,
  });
  installPatronCache(store, fleetKey, demoPatronCache(), Date.now());
  store.close();
});
afterEach(() => killAllLibraries());
afterAll(async () => {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('kazasu library across kill -9', () => {
  it('every checkout the patron was told about is forwarded after restarts, once, with its original time', async () => {
    const items = ['3000000001', '3000000002', '3000000006', '3000000007'];
    const first = run(config);
    first.send(SIM.patrons.ok);
    await first.until(screen('welcome-offline'));
    const told: string[] = [];
    for (const item of items.slice(0, 3)) {
      first.send(item);
      await first.until(screen('stored-offline', item));
      told.push(item);
    }
    first.send(items[3] ?? ''); // killed at once: this one may or may not have been stored
    await killed(first);

    const afterKill = pendingRows();
    expect(afterKill.pending.map((p) => p.itemId).slice(0, 3)).toEqual(told);
    expect(afterKill.types).toEqual(afterKill.pending.map(() => 'checkout.stored'));
    const stored = afterKill.pending;

    // The library system is back, but slow: kill again once forwarding has begun.
    await sim.start();
    sim.faults.delayMs = 150;
    const second = run(config);
    const deadline = Date.now() + 20_000;
    while (!sim.library.checkouts.some((c) => c.noBlock) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await killed(second);
    sim.faults.delayMs = 0;

    const third = run(config);
    await third.until(
      (l) => (l['forwarded'] as { remaining?: number } | undefined)?.remaining === 0,
    );
    third.child.kill('SIGINT');
    await new Promise((r) => third.child.once('exit', r));

    const end = pendingRows();
    expect(end.pending).toEqual([]);
    for (const p of stored) {
      expect(sim.library.loans.get(p.itemId)?.patronId, p.itemId).toBe(SIM.patrons.ok);
      const sent = sim.library.checkouts.filter((c) => c.itemId === p.itemId);
      expect(sent.length).toBeGreaterThanOrEqual(1); // at least once; a repeat is a renewal
      expect(
        sent.every((c) => c.noBlock && c.transactionDate === formatSip2Date(p.occurredAt)),
      ).toBe(true);
    }
    const forwarded = end.types.filter((t) => t === 'checkout.forwarded').length;
    expect(forwarded).toBe(stored.length); // one event per checkout, however many sends
  }, 90_000);
});
