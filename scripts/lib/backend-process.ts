import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateIdentity, type DeviceIdentity } from '../../kiosk/store/identity.ts';

const MAIN = 'scripts/backend/main.ts';

/**
 * The reference backend as a separate process on loopback, with its own data directory, and
 * its admin command line: one per integration test file, and the demo's municipality.
 */
export interface BackendProcess {
  readonly dir: string;
  readonly dataDir: string;
  readonly url: string;
  readonly port: number;
  readonly publicKey: string;
  readonly fleetKeyHex: string;
  admin(...args: string[]): unknown;
  /** Makes (or loads) a device's identity in `deviceDataDir` and registers it for `role`. */
  registerDevice(deviceDataDir: string, deviceId: string, role: string): DeviceIdentity;
  stop(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

export function runBackendCli(dataDir: string, args: string[]): unknown {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args, '--data', dataDir], {
    encoding: 'utf8',
  });
  if (r.status !== 0)
    throw new Error(`backend ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as unknown;
}

export async function startBackend(
  options: { dataDir?: string; port?: number; dir?: string } = {},
): Promise<BackendProcess> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'kazasu-backend-'));
  const dataDir = options.dataDir ?? join(dir, 'data');
  const init = runBackendCli(dataDir, ['init']) as { publicKey: string };
  let child: ChildProcess | undefined;
  let port = options.port ?? 0;
  const start = async (): Promise<void> => {
    const c = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        MAIN,
        'serve',
        '--data',
        dataDir,
        '--port',
        String(port),
        '--usage-interval',
        '3600',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, KAZASU_LOG_LEVEL: 'warn' },
      },
    );
    child = c;
    let stderr = '';
    c.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`backend did not start: ${stderr}`)), 20_000);
      c.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /"listening":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      c.once('exit', (code) => reject(new Error(`backend exited ${code}: ${stderr}`)));
    });
  };
  const stop = async (): Promise<void> => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    });
  };
  await start();
  return {
    dir,
    dataDir,
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    publicKey: init.publicKey,
    fleetKeyHex: readFileSync(join(dataDir, 'fleet.key'), 'utf8').trim(),
    admin: (...args) => runBackendCli(dataDir, args),
    registerDevice(deviceDataDir, deviceId, role) {
      const identity = loadOrCreateIdentity(deviceDataDir, deviceId);
      runBackendCli(dataDir, [
        'device',
        'add',
        '--id',
        deviceId,
        '--role',
        role,
        '--public-key',
        identity.publicKey,
      ]);
      return identity;
    },
    stop,
    start,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes a device config (and the fleet key) into `dir` and returns its path. */
export function writeDeviceConfig(
  dir: string,
  o: {
    deviceId: string;
    role?: string;
    url: string;
    publicKeys: string[];
    fleetKeyHex: string;
    extra?: object;
  },
): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'fleet.key'), o.fleetKeyHex, { mode: 0o600 });
  const path = join(dir, 'device.json');
  writeFileSync(
    path,
    JSON.stringify({
      deviceId: o.deviceId,
      role: o.role ?? 'validator',
      dataDir: 'data',
      backend: { url: o.url, publicKeys: o.publicKeys, timeoutMs: 2000 },
      fleetKeyFile: 'fleet.key',
      sync: { attempts: 3, batchSize: 500 },
      ...o.extra,
    }),
  );
  return path;
}
