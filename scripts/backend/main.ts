// The reference municipality backend: `npm run backend -- <command>` (tsx scripts/backend/main.ts).
//
//   serve [--data DIR] [--host 127.0.0.1] [--port 8080] [--usage-interval 300]
//   init | key show
//   device add --id ID --role counter|library|validator --public-key BASE64 | device list | device revoke --id ID
//   import registrants --csv FILE [--encoding auto|utf-8|shift_jis]
//   import residents --csv FILE [--encoding …]   (the register counters look residents up in)
//   import patrons --csv FILE [--encoding …]     (the library's card linkage → the patrons dataset)
//   publish deny-list --csv FILE [--encoding …] | publish documents --dataset fares|patrons|forms|config --json FILE
//   rides reconcile [--period 2026-11] | rides publish | events count [--device ID]
//
// Results are JSON on standard output; errors `{"error":{"code","message","details"}}` with exit 1
// (2 for a wrong command line). Data (SQLite, keys, dataset bodies) lives in --data or
// $KAZASU_BACKEND_DATA, default ./backend-data.
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../../shared/clock.ts';
import { serializeError } from '../../shared/errors.ts';
import { createLogger, type LogLevel } from '../../kiosk/log.ts';
import {
  addDevice,
  countEvents,
  importPatronsCsv,
  importRegistrantsCsv,
  importResidentsCsv,
  listDevices,
  publishDenyListCsv,
  publishDocuments,
  publishRideUsage,
  reconcileRides,
  revokeDevice,
  type Admin,
} from './admin.ts';
import { Authenticator } from './auth.ts';
import type { CsvEncoding } from './csv.ts';
import { DatasetPublisher } from './datasets.ts';
import { openBackendDb } from './db.ts';
import { BackendError } from './errors.ts';
import { EventIngest } from './events.ts';
import { FLEET_KEY_FILE, loadOrCreateKeys } from './keys.ts';
import { ResidentRegister } from './residents.ts';
import { startServer } from './server.ts';

const OPTIONS = {
  data: { type: 'string' },
  host: { type: 'string', default: '127.0.0.1' },
  port: { type: 'string', default: '8080' },
  'usage-interval': { type: 'string', default: '300' },
  id: { type: 'string' },
  role: { type: 'string' },
  'public-key': { type: 'string' },
  csv: { type: 'string' },
  json: { type: 'string' },
  dataset: { type: 'string' },
  encoding: { type: 'string', default: 'auto' },
  period: { type: 'string' },
  device: { type: 'string' },
} as const;

function need(value: string | undefined, flag: string): string {
  if (value === undefined) throw new BackendError('backend/usage', `--${flag} is required`);
  return value;
}

function open(dataDir: string): Admin {
  const keys = loadOrCreateKeys(dataDir);
  const db = openBackendDb(join(dataDir, 'backend.db'));
  return {
    db,
    keys,
    clock: systemClock,
    publisher: new DatasetPublisher(db, keys, join(dataDir, 'datasets'), systemClock),
  };
}

async function serve(
  a: Admin,
  host: string,
  port: number,
  usageEverySeconds: number,
): Promise<void> {
  const logger = createLogger((process.env['KAZASU_LOG_LEVEL'] ?? 'info') as LogLevel);
  const auth = new Authenticator(a.db, a.clock);
  const server = await startServer(
    {
      auth,
      ingest: new EventIngest(a.db, a.clock),
      publisher: a.publisher,
      residents: new ResidentRegister(a.db, a.keys.fleetKey),
      clock: a.clock,
      logger,
    },
    port,
    host,
  );
  // The line tests and operators wait for: where the backend listens and which key it signs with.
  process.stdout.write(
    JSON.stringify({ listening: `http://${host}:${server.port}`, keyId: a.keys.keyId }) + '\n',
  );
  const timer = setInterval(() => {
    try {
      auth.pruneNonces();
      const r = publishRideUsage(a);
      if (!r.unchanged) logger.info({ version: r.version }, 'published ride usage');
    } catch (error) {
      logger.error({ err: serializeError(error) }, 'periodic work failed');
    }
  }, usageEverySeconds * 1000);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  clearInterval(timer);
  await server.close();
  a.db.close();
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: OPTIONS,
    allowPositionals: true,
    strict: true,
  });
  const command = positionals.join(' ') || 'serve';
  const dataDir = resolve(values.data ?? process.env['KAZASU_BACKEND_DATA'] ?? 'backend-data');
  const a = open(dataDir);
  const encoding = values.encoding as CsvEncoding;
  const out = (v: unknown): number => {
    process.stdout.write(JSON.stringify(v, null, 2) + '\n');
    return 0;
  };
  switch (command) {
    case 'serve':
      await serve(a, values.host, Number(values.port), Number(values['usage-interval']));
      return 0;
    case 'init':
    case 'key show':
      return out({
        publicKey: a.keys.publicKey,
        keyId: a.keys.keyId,
        fleetKeyFile: join(dataDir, FLEET_KEY_FILE),
      });
    case 'device add':
      return out(
        addDevice(
          a,
          need(values.id, 'id'),
          need(values.role, 'role'),
          need(values['public-key'], 'public-key'),
        ),
      );
    case 'device list':
      return out(listDevices(a));
    case 'device revoke':
      return out(revokeDevice(a, need(values.id, 'id')));
    case 'import registrants':
      return out(importRegistrantsCsv(a, need(values.csv, 'csv'), encoding));
    case 'import patrons':
      return out(importPatronsCsv(a, need(values.csv, 'csv'), encoding));
    case 'import residents':
      return out(importResidentsCsv(a, need(values.csv, 'csv'), encoding));
    case 'publish deny-list':
      return out(publishDenyListCsv(a, need(values.csv, 'csv'), encoding));
    case 'publish documents':
      return out(publishDocuments(a, need(values.dataset, 'dataset'), need(values.json, 'json')));
    case 'rides reconcile':
      return out(reconcileRides(a, values.period));
    case 'rides publish':
      return out(publishRideUsage(a));
    case 'events count':
      return out(countEvents(a, values.device));
    default:
      throw new BackendError(
        'backend/usage',
        `unknown command "${command}" (see the header of scripts/backend/main.ts)`,
      );
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  const usage =
    (error instanceof BackendError && error.code === 'backend/usage') ||
    (error instanceof TypeError &&
      'code' in error &&
      String(error.code).startsWith('ERR_PARSE_ARGS'));
  process.stderr.write(JSON.stringify({ error: serializeError(error) }) + '\n');
  process.exitCode = usage ? 2 : 1;
}
