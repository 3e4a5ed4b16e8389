import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { configPath, loadConfig } from '../../config/load.ts';
import { ROLE_FACTORIES } from '../../service/roles.ts';
import { startKiosk } from '../../service/compose.ts';
import { UsageError, errorJson, type CliContext } from '../context.ts';

export const startHelp = `kazasu start [--config FILE] [--port 8780] [--ui DIR] [--no-sync]
  Runs the kiosk service for the device's role (counter, library or validator, from the config):
  the card readers, the store, sync, the role's flow and devices, and the UI on
  http://127.0.0.1:PORT/ (loopback only) for the Electron kiosk window or a browser. The UI is
  the built renderer in dist/renderer (npm run build:ui), or --ui DIR. Ctrl-C stops.`;

const DEFAULT_UI = fileURLToPath(new URL('../../../dist/renderer', import.meta.url));

export async function startCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      port: { type: 'string' },
      ui: { type: 'string' },
      'no-sync': { type: 'boolean' },
    },
    strict: true,
  });
  const port = values.port === undefined ? 8780 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError('--port must be a TCP port');
  const rendererDir = values.ui ?? DEFAULT_UI;
  try {
    const config = loadConfig(configPath(values.config));
    if (!existsSync(rendererDir))
      ctx.err(
        `kazasu start: no UI at ${rendererDir} (npm run build:ui); the service runs without it`,
      );
    const kiosk = await startKiosk({
      config,
      demo: false,
      rendererDir,
      port,
      logger: ctx.logger,
      roleFactories: ROLE_FACTORIES,
      sync: !values['no-sync'],
    });
    ctx.out(`kazasu start: ${config.deviceId} (${config.role}) UI ${kiosk.ui.url}`);
    await ctx.interrupted;
    await kiosk.stop();
    return 0;
  } catch (error) {
    ctx.out(JSON.stringify(errorJson(error)));
    return 1;
  }
}
