import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildElectron, ELECTRON_DIR } from '../lib/electron-build.ts';

/**
 * The Electron binary, when it is installed. npm does not run electron's download script here
 * (package.json allowScripts), so on these machines there is none and the UI stays in the browser.
 */
export function electronBinary(): string | undefined {
  const dir = join('node_modules', 'electron');
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

/** Opens the kiosk window on `url` (kiosk/main, bundled first), or says why not. */
export async function launchElectron(
  url: string,
  say: (line: string) => void,
): Promise<ChildProcess | undefined> {
  const binary = electronBinary();
  if (!binary) {
    say('no Electron binary installed: open the UI in a browser (the same renderer)');
    return undefined;
  }
  await buildElectron();
  say('opening the Electron kiosk window');
  return spawn(binary, [`${ELECTRON_DIR}/main.cjs`, `--kazasu-url=${url}`], { stdio: 'inherit' });
}
