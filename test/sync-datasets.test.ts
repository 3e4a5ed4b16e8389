import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestSigningString } from '../shared/contracts/sync/canonical.ts';
import type { Manifest } from '../shared/contracts/sync/datasets.ts';
import { systemClock } from '../shared/clock.ts';
import { silentLogger } from '../shared/log.ts';
import { loadConfig } from '../kiosk/config/load.ts';
import {
  generateEd25519,
  privateKeyFromPem,
  publicKeyToBase64,
  signText,
  tokenHash,
} from '../kiosk/crypto.ts';
import { loadOrCreateIdentity } from '../kiosk/store/identity.ts';
import { openDeviceStore } from '../kiosk/store/open.ts';
import type { DeviceStore } from '../kiosk/store/store.ts';
import { createSyncClient } from '../kiosk/sync/setup.ts';
import type { SyncReport } from '../kiosk/sync/client.ts';
import { startBackend, writeDeviceConfig, type BackendProcess } from './support/backend.ts';

// Datasets down against the real backend process: signed snapshots and deltas applied, and
// every kind of bad offer refused with its own code while the data held stays usable.
let backend: BackendProcess;
let store: DeviceStore;
let configPath: string;
const IDM = ['0123456789abcdef', '0123456789abcde0', '0123456789abcde1'];

/** Registrants under test plus 200 others, so that a delta is smaller than a snapshot. */
function csv(rows: [string, string, number][]): string {
  const others = Array.from({ length: 200 }, (_, i): [string, string, number] => [
    'x',
    `ffff${String(i).padStart(12, '0')}`,
    20,
  ]);
  return [
    '氏名,カード種別,カード番号,利用者区分,乗車回数,期間,有効開始日,有効終了日',
    ...[...rows, ...others].map(
      ([who, idm, rides]) => `${who},交通系IC,${idm},高齢者,${rides},月,2026-04-01,2027-03-31`,
    ),
  ].join('\n');
}

function publish(rows: [string, string, number][]): { version: number } {
  const file = join(backend.dir, `reg-${Math.random()}.csv`);
  writeFileSync(file, csv(rows));
  return backend.admin('import', 'registrants', '--csv', file) as { version: number };
}

async function sync(config = configPath): Promise<SyncReport> {
  const c = loadConfig(config);
  const identity = loadOrCreateIdentity(c.dataDir, c.deviceId);
  const { client, close } = createSyncClient({
    config: c,
    store,
    identity,
    clock: systemClock,
    logger: silentLogger,
  });
  try {
    return await client.syncOnce();
  } finally {
    close();
  }
}

function entitlementsError(report: SyncReport): string | undefined {
  const d = report.datasets.find((x) => x.dataset === 'entitlements');
  return d && 'error' in d ? d.error.code : undefined;
}

const rides = (idm: string): number | null | undefined =>
  store.lookups.entitlement(tokenHash(Buffer.from(backend.fleetKeyHex, 'hex'), 'felica-idm', idm))
    ?.ridesPerPeriod;

function backendDb(run: (db: Database.Database) => void): void {
  const db = new Database(join(backend.dataDir, 'backend.db'));
  run(db);
  db.close();
}

beforeAll(async () => {
  backend = await startBackend();
  configPath = writeDeviceConfig(join(backend.dir, 'bus-7'), {
    deviceId: 'bus-7',
    url: backend.url,
    publicKeys: [backend.publicKey],
    fleetKeyHex: backend.fleetKeyHex,
  });
  const c = loadConfig(configPath);
  store = openDeviceStore({ dataDir: c.dataDir, deviceId: c.deviceId, clock: systemClock });
  const id = loadOrCreateIdentity(c.dataDir, c.deviceId);
  backend.admin(
    'device',
    'add',
    '--id',
    'bus-7',
    '--role',
    'validator',
    '--public-key',
    id.publicKey,
  );
});
afterAll(async () => {
  store?.close();
  await backend?.dispose();
});

describe('datasets down', () => {
  it('applies a signed snapshot, then a delta; names and card numbers never reach the device', async () => {
    publish([
      ['山田', IDM[0] as string, 10],
      ['佐藤', IDM[1] as string, 4],
    ]);
    let report = await sync();
    expect(report.ok).toBe(true);
    expect(rides(IDM[0] as string)).toBe(10);
    publish([
      ['山田', IDM[0] as string, 12],
      ['鈴木', IDM[2] as string, 6],
    ]);
    report = await sync();
    expect(report.datasets.find((d) => d.dataset === 'entitlements')).toMatchObject({
      from: 1,
      to: 2,
      applied: [{ kind: 'delta', version: 2 }],
    });
    expect([rides(IDM[0] as string), rides(IDM[1] as string), rides(IDM[2] as string)]).toEqual([
      12,
      undefined,
      6,
    ]);
    const dbBytes = readFileSync(join(loadConfig(configPath).dataDir, 'kazasu.db'));
    for (const secret of ['山田', IDM[0] as string])
      expect(dbBytes.includes(Buffer.from(secret))).toBe(false);
  });

  it('refuses a tampered body (sync/digest-mismatch) and keeps the previous version', async () => {
    cpSync(backend.dataDir, join(backend.dir, 'backup-v2'), { recursive: true });
    const { version } = publish([['山田', IDM[0] as string, 1]]);
    const files = [`${version}.delta.ndjson`, `${version}.snapshot.ndjson`].map((f) =>
      join(backend.dataDir, 'datasets', 'entitlements', f),
    );
    const originals = files.map((f) => readFileSync(f));
    for (const f of files)
      writeFileSync(f, readFileSync(f, 'utf8').replace('"ridesPerPeriod":1', '"ridesPerPeriod":9'));
    const report = await sync();
    expect(entitlementsError(report)).toBe('sync/digest-mismatch');
    expect(store.datasets.state('entitlements')?.version).toBe(2);
    expect(rides(IDM[0] as string)).toBe(12);
    files.forEach((f, i) => writeFileSync(f, originals[i] as Buffer));
  });

  it('refuses a wrong signature (sync/signature-invalid) and an unpinned key (sync/unknown-key)', async () => {
    let saved: { signature: string }[] = [];
    backendDb((db) => {
      saved = db
        .prepare(
          `SELECT signature FROM dataset_versions WHERE dataset = 'entitlements' AND version = 3 ORDER BY kind`,
        )
        .all() as { signature: string }[];
      db.prepare(
        `UPDATE dataset_versions SET signature = ? WHERE dataset = 'entitlements' AND version = 3`,
      ).run(signText(generateEd25519().privateKey, 'something else'));
    });
    expect(entitlementsError(await sync())).toBe('sync/signature-invalid');
    backendDb((db) => {
      const kinds = ['delta', 'snapshot'];
      saved.forEach((s, i) =>
        db
          .prepare(
            `UPDATE dataset_versions SET signature = ? WHERE dataset = 'entitlements' AND version = 3 AND kind = ?`,
          )
          .run(s.signature, kinds[i]),
      );
    });
    const other = writeDeviceConfig(join(backend.dir, 'bus-7-other-key'), {
      deviceId: 'bus-7',
      url: backend.url,
      publicKeys: [publicKeyToBase64(generateEd25519().publicKey)],
      fleetKeyHex: backend.fleetKeyHex,
      extra: { dataDir: loadConfig(configPath).dataDir },
    });
    expect(entitlementsError(await sync(other))).toBe('sync/unknown-key');
    expect(store.datasets.state('entitlements')?.version).toBe(2);
    const report = await sync();
    expect(report.ok).toBe(true);
    expect(store.datasets.state('entitlements')?.version).toBe(3);
  });

  it('refuses a backend restored from an older backup (sync/version-rollback)', async () => {
    await backend.stop();
    const port = backend.port;
    const old = await startBackend({ dataDir: join(backend.dir, 'backup-v2'), port });
    try {
      const report = await sync();
      expect(entitlementsError(report)).toBe('sync/version-rollback');
      expect(store.datasets.state('entitlements')?.version).toBe(3);
      expect(rides(IDM[0] as string)).toBe(1);
    } finally {
      await old.stop();
      await backend.start();
    }
  });

  it('answers a delta that does not follow with a snapshot, and refuses it (sync/delta-gap) when none comes', async () => {
    const { version } = publish([['山田', IDM[0] as string, 5]]);
    const key = privateKeyFromPem(readFileSync(join(backend.dataDir, 'signing-key.pem'), 'utf8'));
    backendDb((db) => {
      const row = db
        .prepare(
          `SELECT manifest FROM dataset_versions WHERE dataset = 'entitlements' AND version = ? AND kind = 'delta'`,
        )
        .get(version) as { manifest: string };
      const gapped: Manifest = {
        ...(JSON.parse(row.manifest) as Manifest),
        baseVersion: version - 2,
      };
      db.prepare(
        `UPDATE dataset_versions SET manifest = ?, signature = ? WHERE dataset = 'entitlements' AND version = ? AND kind = 'delta'`,
      ).run(JSON.stringify(gapped), signText(key, manifestSigningString(gapped)), version);
    });
    let report = await sync();
    expect(report.datasets.find((d) => d.dataset === 'entitlements')).toMatchObject({
      applied: [{ kind: 'snapshot', version }],
    });
    expect(rides(IDM[0] as string)).toBe(5);

    const next = publish([['山田', IDM[0] as string, 7]]).version;
    backendDb((db) => {
      const row = db
        .prepare(
          `SELECT manifest FROM dataset_versions WHERE dataset = 'entitlements' AND version = ? AND kind = 'delta'`,
        )
        .get(next) as { manifest: string };
      const gapped: Manifest = { ...(JSON.parse(row.manifest) as Manifest), baseVersion: next - 2 };
      db.prepare(
        `UPDATE dataset_versions SET manifest = ?, signature = ? WHERE dataset = 'entitlements' AND version = ? AND kind = 'delta'`,
      ).run(JSON.stringify(gapped), signText(key, manifestSigningString(gapped)), next);
      db.prepare(
        `DELETE FROM dataset_versions WHERE dataset = 'entitlements' AND kind = 'snapshot'`,
      ).run();
    });
    report = await sync();
    expect(entitlementsError(report)).toBe('sync/delta-gap');
    expect(store.datasets.state('entitlements')?.version).toBe(version);
    expect(rides(IDM[0] as string)).toBe(5);
    expect(store.syncState.read().lastErrorCode).toBe('sync/delta-gap');
  });
});
