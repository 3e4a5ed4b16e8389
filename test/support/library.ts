// `kazasu library` as a process for integration tests: JSON lines read as they come, barcodes
// written to its standard input (the stdin scanner), SIGKILL on demand.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

const children = new Set<ChildProcessWithoutNullStreams>();

export interface Running {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: Record<string, unknown>[];
  until(pred: (line: Record<string, unknown>) => boolean, ms?: number): Promise<void>;
  send(line: string): void;
}

export function library(config: string): Running {
  const child = spawn(
    process.execPath,
    [
      'scripts/kazasu.js',
      'library',
      '--config',
      config,
      '--scanner',
      'stdin',
      '--no-cards',
      '--no-sync',
      '--json',
    ],
    { env: { ...process.env, KAZASU_LOG_LEVEL: 'silent' } },
  );
  children.add(child);
  child.on('exit', () => children.delete(child));
  const lines: Record<string, unknown>[] = [];
  let buffer = '';
  child.stdout.on('data', (d: Buffer) => {
    buffer += d.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const p of parts) if (p.trim()) lines.push(JSON.parse(p) as Record<string, unknown>);
  });
  child.stderr.resume();
  return {
    child,
    lines,
    send: (line) => child.stdin.write(`${line}\n`),
    async until(pred, ms = 20_000) {
      const deadline = Date.now() + ms;
      while (!lines.some(pred)) {
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(
            `no such line (exit ${child.exitCode}): ${JSON.stringify(lines.slice(-5))}`,
          );
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

export const screen = (code: string, itemId?: string) => (l: Record<string, unknown>) => {
  const s = l['screen'] as { code?: string; itemId?: string } | undefined;
  return s?.code === code && (itemId === undefined || s.itemId === itemId);
};

export function killed(r: Running): Promise<void> {
  return new Promise((resolve) => {
    r.child.once('exit', () => resolve());
    r.child.kill('SIGKILL');
  });
}

export function killAllLibraries(): void {
  for (const c of children) c.kill('SIGKILL');
}
