/**
 * The reference municipality backend (scripts/backend) as a child process for `kazasu counter
 * demo`: a data directory of its own, the sample residents imported, the demo counter
 * registered, listening on a loopback port the system chooses. Spawned by path like any other
 * program: kiosk/ does not import scripts/.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CounterError } from './errors.ts';

const BACKEND_MAIN = fileURLToPath(new URL('../../scripts/backend/main.ts', import.meta.url));
/** The synthetic register of scripts/backend/fixtures (the sample household of sim-cards.ts). */
export const SAMPLE_RESIDENTS = fileURLToPath(
  new URL('../../scripts/backend/fixtures/sample-residents.csv', import.meta.url),
);

const nodeArgs = (args: readonly string[]): string[] => ['--import', 'tsx', BACKEND_MAIN, ...args];

export interface DemoBackend {
  readonly url: string;
  readonly publicKey: string;
  stop(): Promise<void>;
}

function admin(dataDir: string, args: readonly string[]): Record<string, unknown> {
  const r = spawnSync(process.execPath, nodeArgs([...args, '--data', dataDir]), {
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    throw new CounterError(
      'counter/demo-backend',
      `the reference backend refused "${args.slice(0, 2).join(' ')}"`,
      {
        details: { status: r.status, stderr: r.stderr.slice(0, 500) },
      },
    );
  }
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

export async function startDemoBackend(
  dataDir: string,
  device: { readonly id: string; readonly publicKey: string },
): Promise<DemoBackend> {
  const { publicKey } = admin(dataDir, ['init']) as { publicKey: string };
  admin(dataDir, ['import', 'residents', '--csv', SAMPLE_RESIDENTS]);
  admin(dataDir, [
    'device',
    'add',
    '--id',
    device.id,
    '--role',
    'counter',
    '--public-key',
    device.publicKey,
  ]);
  const child = spawn(process.execPath, nodeArgs(['serve', '--data', dataDir, '--port', '0']), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, KAZASU_LOG_LEVEL: 'warn' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const give = setTimeout(
      () =>
        reject(
          new CounterError('counter/demo-backend', 'the reference backend did not start in 20 s'),
        ),
      20_000,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const line = /\{"listening":"([^"]+)"/.exec(seen);
      if (line?.[1]) {
        clearTimeout(give);
        resolve(line[1]);
      }
    });
    void exited.then(() =>
      reject(new CounterError('counter/demo-backend', 'the reference backend exited at start')),
    );
  });
  return {
    url,
    publicKey,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
