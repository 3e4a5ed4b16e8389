import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Where the built renderer lives; the service serves it and Electron loads it. */
export const RENDERER_DIR = 'dist/renderer';
const SOURCES = ['kiosk/renderer', 'shared'];

function newest(dir: string): number {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds the renderer with Vite when the build is missing or older than its sources. */
export async function ensureRendererBuilt(
  say: (line: string) => void = () => undefined,
): Promise<string> {
  const index = join(RENDERER_DIR, 'index.html');
  const built = existsSync(index) ? statSync(index).mtimeMs : 0;
  if (built > Math.max(...SOURCES.map(newest))) return RENDERER_DIR;
  say('building the UI (vite build kiosk/renderer → dist/renderer)');
  const { build } = await import('vite');
  await build({ configFile: 'kiosk/renderer/vite.config.ts', logLevel: 'warn' });
  return RENDERER_DIR;
}
