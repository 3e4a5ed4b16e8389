import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, writeDeviceConfig, type BackendProcess } from './support/backend.ts';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.ts';

// At-least-once delivery under a hostile network and a device killed at random points:
// afterwards the backend holds exactly the events produced, each once.
const EVENTS = 10_000;
let backend: BackendProcess;
let proxy: FaultProxy;

beforeAll(async () => {
  backend = await startBackend();
  proxy = await startFaultProxy(
    backend.port,
    { drop: 0.03, delay: 0.05, delayMs: 150, reset: 0.03, duplicate: 0.03, truncate: 0.03 },
    20261122,
  );
});
afterAll(async () => {
  await proxy?.close();
  await backend?.dispose();
});

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
}

function runDevice(config: string, killAfterMs: number | undefined): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/support/device-driver.ts',
        '--config',
        config,
        '--events',
        String(EVENTS),
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const timer =
      killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, out });
    });
  });
}

describe('outbox delivery through faults and kill -9', () => {
  it('delivers 10,000 events exactly once', async () => {
    const dir = join(backend.dir, 'bus-0042');
    const config = writeDeviceConfig(dir, {
      deviceId: 'bus-0042',
      url: `http://127.0.0.1:${proxy.port}`,
      publicKeys: [backend.publicKey],
      fleetKeyHex: backend.fleetKeyHex,
    });
    const identity = await new Promise<string>((resolve, reject) => {
      const c = spawn(process.execPath, [
        'scripts/kazasu.js',
        'sync',
        'identity',
        '--json',
        '--config',
        config,
      ]);
      let out = '';
      c.stdout.on('data', (d: Buffer) => (out += d.toString()));
      c.on('exit', (code) =>
        code === 0
          ? resolve((JSON.parse(out) as { publicKey: string }).publicKey)
          : reject(new Error(out)),
      );
    });
    backend.admin(
      'device',
      'add',
      '--id',
      'bus-0042',
      '--role',
      'validator',
      '--public-key',
      identity,
    );

    let kills = 0;
    let done: Run | undefined;
    // Random kill points, from a fixed sequence so a failure can be replayed.
    const killPoints = [900, 1700, 1200, 2600, 800, 3100, 1500, 2200, 1000, 2900, 1300, 2400];
    for (const at of killPoints) {
      const run = await runDevice(config, at);
      if (run.signal === 'SIGKILL') kills += 1;
      else {
        done = run;
        break;
      }
    }
    done ??= await runDevice(config, undefined);
    expect(done.out).toContain('"done":true');
    expect(kills).toBeGreaterThanOrEqual(3);

    const db = new Database(join(backend.dataDir, 'backend.db'), { readonly: true });
    const rows = db
      .prepare(
        `SELECT device_seq AS seq, json_extract(payload, '$.n') AS n FROM events WHERE device_id = 'bus-0042' ORDER BY device_seq`,
      )
      .all() as { seq: number; n: number }[];
    const distinctIds = (
      db.prepare(`SELECT count(DISTINCT event_id) AS c FROM events`).get() as { c: number }
    ).c;
    db.close();
    expect(rows.length).toBe(EVENTS);
    expect(distinctIds).toBe(EVENTS);
    expect(rows.every((r, i) => r.seq === i + 1 && r.n === i + 1)).toBe(true);
    // The faults really happened.
    expect(
      proxy.counts.reset + proxy.counts.truncate + proxy.counts.duplicate + proxy.counts.drop,
    ).toBeGreaterThan(5);
  }, 240_000);
});
