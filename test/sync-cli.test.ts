import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodKey } from '../shared/contracts/sync/periods.ts';
import { systemClock } from '../shared/clock.ts';
import { silentLogger } from '../shared/log.ts';
import { loadConfig } from '../kiosk/config/load.ts';
import { tokenHash } from '../kiosk/crypto.ts';
import { loadOrCreateIdentity } from '../kiosk/store/identity.ts';
import { openDeviceStore } from '../kiosk/store/open.ts';
import type { DeviceStore } from '../kiosk/store/store.ts';
import { createSyncClient } from '../kiosk/sync/setup.ts';
import { startBackend, writeDeviceConfig, type BackendProcess } from './support/backend.ts';

// The operator's view: `kazasu sync` and `sync status` as commands, a dead network as a
// state, allowances spent on two buses reconciled, and store failures with clear codes.
let backend: BackendProcess;

beforeAll(async () => {
  backend = await startBackend();
});
afterAll(async () => {
  await backend?.dispose();
});

function kazasu(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['scripts/kazasu.js', ...args], {
      env: { ...process.env, KAZASU_LOG_LEVEL: 'silent' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function device(
  id: string,
  url = backend.url,
  role = 'validator',
): { config: string; store: () => DeviceStore } {
  const config = writeDeviceConfig(join(backend.dir, id), {
    deviceId: id,
    role,
    url,
    publicKeys: [backend.publicKey],
    fleetKeyHex: backend.fleetKeyHex,
  });
  const c = loadConfig(config);
  const identity = loadOrCreateIdentity(c.dataDir, c.deviceId);
  backend.admin('device', 'add', '--id', id, '--role', role, '--public-key', identity.publicKey);
  return {
    config,
    store: () => openDeviceStore({ dataDir: c.dataDir, deviceId: id, clock: systemClock }),
  };
}

async function syncIn(config: string, store: DeviceStore): Promise<void> {
  const c = loadConfig(config);
  const { client, close } = createSyncClient({
    config: c,
    store,
    identity: loadOrCreateIdentity(c.dataDir, c.deviceId),
    clock: systemClock,
    logger: silentLogger,
  });
  await client.syncOnce();
  close();
}

describe('kazasu sync', () => {
  it('records a dead network as a state and reports it in sync status', async () => {
    const { config, store } = device('bus-dead', 'http://127.0.0.1:9');
    const s = store();
    s.appendEvent('audit.entry', { action: 'door-open' });
    s.close();
    const once = await kazasu(['sync', '--once', '--json', '--config', config]);
    expect(once.code).toBe(1);
    expect(JSON.parse(once.stdout)).toMatchObject({
      ok: false,
      error: { code: 'sync/unreachable' },
    });
    const status = await kazasu(['sync', 'status', '--json', '--config', config]);
    expect(status.code).toBe(0);
    const json = JSON.parse(status.stdout) as {
      outbox: { pending: number; oldestPendingAt: string };
      lastSync: { errorCode: string };
      datasets: { dataset: string; version: null }[];
    };
    expect(json.outbox.pending).toBe(1);
    expect(json.outbox.oldestPendingAt).toMatch(/^\d{4}-/);
    expect(json.lastSync.errorCode).toBe('sync/unreachable');
    expect(json.datasets.map((d) => d.dataset)).toEqual([
      'entitlements',
      'deny-list',
      'fares',
      'ride-usage',
      'config',
    ]);
  });

  it('uploads and reports dataset versions and ages', async () => {
    const { config, store } = device('bus-cli');
    const s = store();
    s.appendEvent('audit.entry', { action: 'start' });
    s.close();
    const docs = join(backend.dir, 'fares.json');
    writeFileSync(docs, JSON.stringify({ adult: { amountYen: 220 }, senior: { amountYen: 100 } }));
    backend.admin('publish', 'documents', '--dataset', 'fares', '--json', docs);
    const once = await kazasu(['sync', '--once', '--json', '--config', config]);
    expect(JSON.parse(once.stdout)).toMatchObject({ ok: true, upload: { acked: 1 } });
    const status = JSON.parse(
      (await kazasu(['sync', 'status', '--json', '--config', config])).stdout,
    ) as {
      datasets: {
        dataset: string;
        version: number | null;
        ageSeconds: number | null;
        rows: number | null;
      }[];
      outbox: { pending: number };
    };
    expect(status.outbox.pending).toBe(0);
    expect(status.datasets.find((d) => d.dataset === 'fares')).toMatchObject({
      version: 1,
      rows: 2,
    });
    expect(status.datasets.find((d) => d.dataset === 'fares')?.ageSeconds).toBeLessThan(60);
  });

  it('refuses events outside the device role; they stay on the device as rejected', async () => {
    const { config, store } = device('lib-1', backend.url, 'library');
    const s = store();
    s.appendEvent('ride.validated', { fareYen: 0 });
    s.appendEvent('checkout.stored', { items: 2 });
    await syncIn(config, s);
    expect(s.outbox.stats()).toMatchObject({ pending: 0, rejected: 1, acked: 1 });
    s.close();
  });

  it('reconciles an allowance spent offline on two buses and tells both', async () => {
    const fleet = Buffer.from(backend.fleetKeyHex, 'hex');
    const csv = join(backend.dir, 'riders.csv');
    writeFileSync(
      csv,
      'card_kind,card_id,rider_category,rides_per_period,period,valid_from,valid_to\nfelica-idm,1111222233334444,senior,2,month,2020-01-01,2099-12-31\n',
    );
    backend.admin('import', 'registrants', '--csv', csv);
    const hash = tokenHash(fleet, 'felica-idm', '1111222233334444');
    const ride = {
      tokenHash: hash.toString('hex'),
      periodKey: periodKey('month', Date.now()),
      subsidised: true,
      riderCategory: 'senior',
      fareYen: 0,
    };
    const buses = [device('bus-a'), device('bus-b')];
    const stores = buses.map((b) => b.store());
    for (const [i, s] of stores.entries()) {
      await syncIn(buses[i]?.config as string, s); // entitlements down
      expect(s.lookups.tokenStatus(hash, Date.now(), s.deviceId).allowance?.remaining).toBe(2);
      s.recordRide(ride); // both buses offline: each lets the rider use both rides
      s.recordRide(ride);
      expect(s.lookups.tokenStatus(hash, Date.now(), s.deviceId).allowance?.remaining).toBe(0);
    }
    for (const [i, s] of stores.entries()) await syncIn(buses[i]?.config as string, s);
    const report = backend.admin('rides', 'reconcile') as {
      overspent: { excess: number; used: number; devices: string[] }[];
    };
    expect(report.overspent).toEqual([
      expect.objectContaining({ used: 4, excess: 2, devices: ['bus-a', 'bus-b'] }),
    ]);
    backend.admin('rides', 'publish');
    await syncIn(buses[0]?.config as string, stores[0] as DeviceStore);
    expect(stores[0]?.lookups.tokenStatus(hash, Date.now(), 'bus-a').allowance).toMatchObject({
      usedReconciled: 4,
      usedHereSince: 0,
      remaining: 0,
    });
    stores.forEach((s) => s.close());
  });

  it('reports a locked database as store/locked', async () => {
    const { config } = device('bus-locked');
    const c = loadConfig(config);
    mkdirSync(c.dataDir, { recursive: true });
    const db = new Database(join(c.dataDir, 'kazasu.db'));
    db.pragma('journal_mode = WAL');
    db.exec('BEGIN EXCLUSIVE');
    const r = await kazasu(['sync', '--once', '--json', '--config', config]);
    db.exec('ROLLBACK');
    db.close();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('store/locked');
  }, 30_000);

  it('reports a full disk as store/disk-full (a 256 KiB tmpfs)', () => {
    const { config } = device('bus-full');
    const dataDir = loadConfig(config).dataDir;
    mkdirSync(dataDir, { recursive: true });
    const script = `mount -t tmpfs -o size=256k kazasu-full "$1" && exec "$2" --import tsx test/support/device-driver.ts --config "$3" --fill`;
    const r = spawnSync(
      'unshare',
      ['-m', 'sh', '-c', script, 'sh', dataDir, process.execPath, config],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'store/disk-full' } });
  });
});
