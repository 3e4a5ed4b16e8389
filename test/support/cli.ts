import { spawn, type ChildProcess } from 'node:child_process';

/** Runs the `kazasu` command as an operator would, against a private pcscd. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly socketPath?: string;
  readonly stdin?: string;
  readonly timeoutMs?: number;
  /** Send SIGINT after this long (long-running commands). */
  readonly interruptAfterMs?: number;
}

const running = new Set<ChildProcess>();

export function kazasu(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['scripts/kazasu.js', ...args], {
      env: {
        ...process.env,
        KAZASU_LOG_LEVEL: 'warn',
        ...(options.socketPath ? { PCSCLITE_CSOCK_NAME: options.socketPath } : {}),
      },
    });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(options.stdin ?? '');
    const kill = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    if (options.interruptAfterMs) setTimeout(() => child.kill('SIGINT'), options.interruptAfterMs);
    child.on('exit', (code) => {
      clearTimeout(kill);
      running.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Parses the single JSON line a --json command printed. */
export function json<T = Record<string, unknown>>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${run.code}): ${run.stdout} ${run.stderr}`);
  }
}

export function killAll(): void {
  for (const c of running) c.kill('SIGKILL');
}
