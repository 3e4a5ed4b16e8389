import { build } from 'esbuild';

/** Where the bundled Electron main process and preload go (package.json "main"). */
export const ELECTRON_DIR = 'dist/electron';

/**
 * Bundles kiosk/main/entry.ts and kiosk/preload/preload.ts into CommonJS files Electron loads
 * directly: the main process cannot run TypeScript, and a sandboxed preload can only require
 * `electron` itself.
 */
export async function buildElectron(): Promise<void> {
  const common = {
    bundle: true,
    platform: 'node' as const,
    format: 'cjs' as const,
    target: 'node20',
    external: ['electron'],
    logLevel: 'warning' as const,
  };
  await build({
    ...common,
    entryPoints: ['kiosk/main/entry.ts'],
    outfile: `${ELECTRON_DIR}/main.cjs`,
  });
  await build({
    ...common,
    entryPoints: ['kiosk/preload/preload.ts'],
    outfile: `${ELECTRON_DIR}/preload.cjs`,
  });
}
