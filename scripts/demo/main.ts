// `npm start`: the kiosk service in demo mode. The real service (kiosk/service/compose.ts) with
// simulated devices behind it, all through the real stacks:
//   - card readers: the system pcscd with vsmartcard-vpcd; simulated My Number Cards and
//     transit cards connect to vpcd (reader "Virtual PCD 00 00" for the counter and library,
//     "Virtual PCD 00 01" for the bus) and are placed and removed from the UI's demo panel;
//   - the rider display on a socat pty, with its simulator on the other end;
//   - for the library: the SIP2 library-system simulator, the receipt printer simulator on a
//     socat pty and a barcode scanner fed from the demo panel (scripts/demo/library.ts);
//   - for the counter: the face-auth camera simulator on a socat pty, the sample residents in
//     the backend, forms printed on the Kazasu-PDF cups-pdf queue (scripts/demo/counter.ts);
//   - the municipality: the reference backend as a separate process on loopback, loaded with
//     synthetic registrants, fares, residents and patrons; the device syncs with it;
//   - the embedded SQLite store in .kazasu/demo/.
//
//   npx tsx scripts/demo/main.ts [--role counter|library|validator] [--port 8780] [--no-electron]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ValidatorDisplaySimulator } from '../../hardware/validator-display/simulator.ts';
import { loadConfig, type LoadedConfig } from '../../kiosk/config/load.ts';
import { startPtyPair } from '../../kiosk/devices/pty.ts';
import { openSerialLink } from '../../kiosk/devices/serial.ts';
import { createLogger, type LogLevel } from '../../kiosk/log.ts';
import { startKiosk, type RunningKiosk } from '../../kiosk/service/compose.ts';
import { ROLE_FACTORIES } from '../../kiosk/service/roles.ts';
import { loadOrCreateIdentity } from '../../kiosk/store/identity.ts';
import { CORE_METHODS } from '../../shared/contracts/local-api.ts';
import demoFares from '../../kiosk/validator/demo-fares.json' with { type: 'json' };
import { cardKeyOf } from '../../reader/mynumber/jpki-ap.ts';
import {
  defaultMyNumberProfile,
  seniorMyNumberProfile,
} from '../../reader/sim/mynumber-profile.ts';
import { VPCD_DEFAULT_PORT } from '../../reader/vpcd/constants.ts';
import type { DeviceRole } from '../../shared/contracts/sync/events.ts';
import { startBackend } from '../lib/backend-process.ts';
import { ensureRendererBuilt } from '../lib/renderer.ts';
import { DemoCards, DEMO_IDM } from './cards.ts';
import { DemoLibrary } from './library.ts';
import { DemoCounter } from './counter.ts';
import { launchElectron } from './electron.ts';

const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'counter' },
    port: { type: 'string', default: '8780' },
    'vpcd-port': { type: 'string', default: String(VPCD_DEFAULT_PORT) },
    'reader-prefix': { type: 'string', default: 'Virtual PCD' },
    dir: { type: 'string', default: '.kazasu/demo' },
    'no-electron': { type: 'boolean' },
  },
});
const role = values.role as DeviceRole;
const say = (line: string): void => console.log(`[kazasu demo] ${line}`);
const logger = createLogger((process.env['KAZASU_LOG_LEVEL'] ?? 'warn') as LogLevel);
const root = resolve(values.dir);
mkdirSync(root, { recursive: true });

const rendererDir = await ensureRendererBuilt(say);

say('starting the reference municipality backend');
const backend = await startBackend({ dir: root, dataDir: join(root, 'backend') });
const write = (name: string, text: string): string => {
  const p = join(root, name);
  writeFileSync(p, text);
  return p;
};
const serial = (der: Uint8Array): string => cardKeyOf(der);
backend.admin(
  'import',
  'registrants',
  '--csv',
  write(
    'registrants.csv',
    [
      'card_kind,card_id,rider_category,rides_per_period,period,valid_from,valid_to',
      `felica-idm,${DEMO_IDM.senior},senior,,month,2020-04-01,2099-03-31`,
      `jpki-auth-serial,${serial(seniorMyNumberProfile().keys.jpki.authCertificate)},senior,,month,2020-04-01,2099-03-31`,
      `jpki-auth-serial,${serial(defaultMyNumberProfile().keys.jpki.authCertificate)},resident,,month,2020-04-01,2099-03-31`,
    ].join('\n'),
  ),
);
backend.admin(
  'publish',
  'documents',
  '--dataset',
  'fares',
  '--json',
  write('fares.json', JSON.stringify({ table: demoFares })),
);
backend.admin('import', 'patrons', '--csv', write('patrons.csv', DemoLibrary.patronsCsv()));

const readerName = (i: number): string => `${values['reader-prefix']} 00 0${i}`;
say('starting the simulated rider display on a socat pty');
const pty = await startPtyPair('kazasu-demo-display');
const displaySim = new ValidatorDisplaySimulator(await openSerialLink(pty.simulatorPath));
say('starting the simulated library system (SIP2) and receipt printer (socat pty)');
const library = await DemoLibrary.start(say, logger);
say('starting the simulated face-auth camera (socat pty); importing the sample residents');
const counter = await DemoCounter.start(backend, say);

/** One demo device per role, each with its own identity and store, as real devices would be. */
const DEVICE_IDS: Record<DeviceRole, string> = {
  counter: 'demo-counter-01',
  library: 'demo-library-01',
  validator: 'demo-bus-01',
};
function deviceConfig(r: DeviceRole): LoadedConfig {
  const path = join(root, `${r}.json`);
  writeFileSync(
    path,
    JSON.stringify(
      {
        deviceId: DEVICE_IDS[r],
        role: r,
        dataDir: `devices/${r}`,
        backend: { url: backend.url, publicKeys: [backend.publicKey], timeoutMs: 3000 },
        fleetKeyFile: 'backend/fleet.key',
        sync: { intervalSeconds: 10 },
        library: library.configSection([readerName(0)]),
        counter: counter.configSection(),
        validator: {
          routeId: 'R1',
          stopId: 'S101',
          readers: [readerName(1)],
          display: { path: pty.devicePath },
          resultHoldMs: 4000,
        },
      },
      null,
      2,
    ),
  );
  const config = loadConfig(path);
  const identity = loadOrCreateIdentity(config.dataDir, config.deviceId);
  const known = backend.admin('device', 'list') as { deviceId: string }[];
  if (!known.some((d) => d.deviceId === config.deviceId))
    backend.admin(
      'device',
      'add',
      '--id',
      config.deviceId,
      '--role',
      r,
      '--public-key',
      identity.publicKey,
    );
  return config;
}

const cards = new DemoCards({
  port: Number(values['vpcd-port']),
  readers: [readerName(0), readerName(1)],
  logger,
});
let kiosk: RunningKiosk;
let uiPort = Number(values.port); // 0: any free port, then the same one after a role switch
async function run(r: DeviceRole): Promise<RunningKiosk> {
  const k = await startKiosk({
    config: deviceConfig(r),
    demo: true,
    rendererDir,
    port: uiPort,
    logger,
    roleFactories: {
      ...ROLE_FACTORIES,
      library: library.roleFactory(),
      counter: counter.roleFactory(),
    },
  });
  uiPort = k.ui.port;
  cards.register(k.api);
  library.register(k.api);
  counter.register(k.api);
  k.api.method(
    'demo.setRole',
    CORE_METHODS['demo.setRole'],
    ({ role: next }) => {
      // Answer first, then restart as the other device on the same port; the UI reconnects.
      setTimeout(() => {
        void kiosk
          .stop()
          .then(() => run(next))
          .then((started) => {
            kiosk = started;
            say(`now the ${next} device (${DEVICE_IDS[next]})`);
          });
      }, 50);
      return { role: next };
    },
    { demoOnly: true },
  );
  return k;
}
kiosk = await run(role);
displaySim.onRecord((r) => {
  if (r.kind === 'show') say(`rider display: ${r.lines.join(' / ')}`);
});

say(`UI: ${kiosk.ui.url}  (status: ${kiosk.ui.url}#/status)`);
say(
  `role: ${role}; readers ${readerName(0)} and ${readerName(1)} hold simulated cards from the demo panel`,
);
const electron = values['no-electron'] ? undefined : await launchElectron(kiosk.ui.url, say);

await new Promise<void>((r) => {
  process.once('SIGINT', () => r());
  process.once('SIGTERM', () => r());
});
say('stopping');
electron?.kill('SIGTERM');
await cards.stop();
await kiosk.stop();
await displaySim.close();
await pty.stop();
await library.stop();
await counter.stop();
await backend.stop();
process.exit(0);
