import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A private pcscd for integration tests and benchmarks: its own vpcd ports, its own reader
 * names, its own socket, so test files run in parallel and can stop, kill and restart "their"
 * pcscd without touching the system one that `npm start` uses.
 *
 * pcscd 1.9 hard-codes /run/pcscd for its socket and pid file, so it runs in a private mount
 * namespace (`unshare -m`) with a temporary directory bound over /run/pcscd; clients find the
 * socket through PCSCLITE_CSOCK_NAME, which libpcsclite reads when a process first
 * establishes a context — set it (`useIn(process.env)`) before the first pcsclite call.
 */
export interface PrivatePcscd {
  /** vpcd ports, one per virtual reader, in reader order. */
  readonly ports: readonly number[];
  readonly readerNames: readonly string[];
  readonly socketPath: string;
  readonly dir: string;
  readonly pid: number | undefined;
  useIn(env: NodeJS.ProcessEnv): void;
  /** Graceful stop (SIGTERM) or crash (SIGKILL). */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
  /** Stops and removes the temporary directory. */
  dispose(): Promise<void>;
}

export interface PrivatePcscdOptions {
  /** vpcd driver instances; each gives two readers on consecutive ports. */
  readonly drivers?: number;
  readonly name?: string;
}

const VPCD_DRIVER = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';

function listening(port: number): boolean {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === '0A' && cols[1]?.endsWith(`:${hexPort}`)) return true;
    }
  }
  return false;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

async function freePortPair(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = 20000 + 2 * Math.floor(Math.random() * 15000);
    const checks = await Promise.all(Array.from({ length: count }, (_, i) => portFree(base + i)));
    if (checks.every(Boolean)) return base;
  }
  throw new Error('no free port range for a private pcscd');
}

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`private pcscd: ${what} did not happen within ${ms} ms`);
}

export async function startPrivatePcscd(options: PrivatePcscdOptions = {}): Promise<PrivatePcscd> {
  if (!existsSync('/usr/sbin/pcscd') || !existsSync(VPCD_DRIVER)) {
    throw new Error(
      'pcscd and vsmartcard-vpcd are needed: run `node scripts/bootstrap.js test` (as root)',
    );
  }
  const drivers = options.drivers ?? 1;
  const name = options.name ?? `Kazasu Test ${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'kazasu-pcscd-'));
  const runDir = join(dir, 'run');
  const confDir = join(dir, 'reader.conf.d');
  mkdirSync(runDir);
  mkdirSync(confDir);
  const base = await freePortPair(drivers * 2);
  const ports: number[] = [];
  const readerNames: string[] = [];
  for (let d = 0; d < drivers; d += 1) {
    const port = base + d * 2;
    // One vpcd driver instance listens on `port` and `port + 1` (two slots).
    writeFileSync(
      join(confDir, `vpcd-${d}`),
      `FRIENDLYNAME "${name} ${d}"\nDEVICENAME /dev/null:0x${port.toString(16)}\nLIBPATH ${VPCD_DRIVER}\nCHANNELID 0x${port.toString(16)}\n`,
    );
    ports.push(port, port + 1);
    readerNames.push(`${name} ${d} 00 00`, `${name} ${d} 00 01`);
  }
  const socketPath = join(runDir, 'pcscd.comm');
  const log = createWriteStream(join(dir, 'pcscd.log'), { flags: 'a' });
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    rmSync(socketPath, { force: true });
    rmSync(join(runDir, 'pcscd.pid'), { force: true });
    const proc = spawn(
      'unshare',
      [
        '-m',
        'sh',
        '-c',
        `mount --bind "${runDir}" /run/pcscd && exec /usr/sbin/pcscd --foreground -c "${confDir}"`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    proc.stdout?.pipe(log, { end: false });
    proc.stderr?.pipe(log, { end: false });
    child = proc;
    let exited = false;
    proc.once('exit', () => {
      exited = true;
    });
    await until(
      () => exited || (existsSync(socketPath) && ports.every(listening)),
      10_000,
      'startup',
    );
    if (exited) {
      throw new Error(
        `private pcscd exited at startup; see ${join(dir, 'pcscd.log')} (is unshare -m allowed?)`,
      );
    }
  };

  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(signal);
    await exited;
    await until(() => ports.every((p) => !listening(p)), 5000, 'port release');
  };

  await start();
  return {
    ports,
    readerNames,
    socketPath,
    dir,
    get pid() {
      return child?.pid;
    },
    useIn(env) {
      env['PCSCLITE_CSOCK_NAME'] = socketPath;
    },
    stop,
    start,
    async restart() {
      await stop();
      await start();
    },
    async dispose() {
      await stop();
      log.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** True when this machine can run private pcscd instances (root, unshare, pcscd, vpcd). */
export function privatePcscdAvailable(): boolean {
  if (!existsSync('/usr/sbin/pcscd') || !existsSync(VPCD_DRIVER)) return false;
  return spawnSync('unshare', ['-m', 'true']).status === 0;
}
