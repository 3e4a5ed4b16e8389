import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PrivatePcscd } from './pcscd.ts';

/** `npm start`'s demo as a process against a private pcscd, for end-to-end tests. */
export interface DemoProcess {
  readonly url: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

export async function startDemo(pcscd: PrivatePcscd, role: string): Promise<DemoProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'kazasu-demo-'));
  const prefix = (pcscd.readerNames[0] as string).replace(/ 00 00$/, '');
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/demo/main.ts',
      '--role',
      role,
      '--port',
      '0',
      '--dir',
      dir,
      '--vpcd-port',
      String(pcscd.ports[0]),
      '--reader-prefix',
      prefix,
      '--no-electron',
    ],
    {
      env: { ...process.env, KAZASU_LOG_LEVEL: 'warn', PCSCLITE_CSOCK_NAME: pcscd.socketPath },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not start:\n${out}`)), 60_000);
    const check = (): void => {
      const m = /UI: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => reject(new Error(`demo exited ${code}:\n${out}`)));
  });
  return {
    url,
    output: () => out,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGINT');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
