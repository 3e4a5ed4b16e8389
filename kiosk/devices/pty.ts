import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HardwareError } from '../../hardware/errors.ts';

/**
 * A pseudo-terminal pair from socat (`socat pty,raw,echo=0,link=A pty,raw,echo=0,link=B`): a
 * serial cable in software. The driver opens one end, a device simulator the other. Used by the
 * demo and by integration tests in place of /dev/ttyUSB*.
 */
export interface PtyPair {
  /** The end a driver opens, like /dev/ttyUSB0. */
  readonly devicePath: string;
  /** The end the device simulator holds. */
  readonly simulatorPath: string;
  stop(): Promise<void>;
}

export async function startPtyPair(name = 'kazasu'): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), `${name}-pty-`));
  const devicePath = join(dir, 'tty-device');
  const simulatorPath = join(dir, 'tty-simulator');
  let proc: ChildProcess;
  try {
    proc = spawn(
      'socat',
      [`pty,raw,echo=0,link=${devicePath}`, `pty,raw,echo=0,link=${simulatorPath}`],
      { stdio: 'ignore' },
    );
  } catch (error) {
    throw new HardwareError(
      'hardware/port-unavailable',
      'socat is needed for simulated serial devices',
      { cause: error },
    );
  }
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const spawnError = new Promise<Error>((resolve) => proc.once('error', resolve));
  const deadline = Date.now() + 5000;
  while (!(existsSync(devicePath) && existsSync(simulatorPath))) {
    const failed = await Promise.race([
      spawnError,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 20)),
    ]);
    if (failed || Date.now() > deadline || proc.exitCode !== null) {
      proc.kill('SIGKILL');
      throw new HardwareError(
        'hardware/port-unavailable',
        'socat did not create the pty pair (is the socat package installed?)',
        {
          ...(failed ? { cause: failed } : {}),
        },
      );
    }
  }
  return {
    devicePath,
    simulatorPath,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
