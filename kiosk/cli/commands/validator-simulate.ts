import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ValidatorDisplaySimulator } from '../../../hardware/validator-display/simulator.ts';
import { VPCD_DEFAULT_PORT } from '../../../reader/vpcd/constants.ts';
import { ValidatorConfigSchema } from '../../../shared/config/device.ts';
import { systemClock } from '../../../shared/clock.ts';
import { createPcscHub } from '../../devices/pcsc.ts';
import { startPtyPair, type PtyPair } from '../../devices/pty.ts';
import { openSerialLink } from '../../devices/serial.ts';
import { openDeviceStore } from '../../store/open.ts';
import demoFares from '../../validator/demo-fares.json' with { type: 'json' };
import { ReconnectingDisplay } from '../../validator/display-link.ts';
import { ValidatorService } from '../../validator/service.ts';
import { installPopulation, simReport, simulateTaps } from '../../validator/simulate.ts';
import { UsageError, type CliContext } from '../context.ts';
import { policyOf } from '../../validator/policy.ts';
import { describeTap } from './validator.ts';

export const validatorSimulateHelp = `kazasu validator simulate --taps N [--readers 2] [--port ${VPCD_DEFAULT_PORT}] [--reader-prefix "Virtual PCD"]
    [--entitlements 10000] [--deny 1000] [--route R1] [--no-display] [--quiet] [--json]
  Load for a validator, through the real pcscd and vsmartcard-vpcd: simulated riders (registered
  seniors, disabled riders, residents and マイタク riders; lost cards; unregistered transit
  cards; foreign cards; My Number Cards) tap one after another on each vpcd reader, and a
  validator in this process decides every tap against a temporary store holding --entitlements
  registered riders and --deny lost cards, with the demo fare table, and shows each result on a
  simulated rider display on a socat pty. Prints every tap (unless --quiet) and a summary:
  outcomes, tap-to-decision percentiles from the card-present event to the committed decision,
  our own time, card I/O time. Nothing outside the temporary directory is touched.`;

const int = (v: string | undefined, name: string, fallback: number, min = 0): number => {
  const n = v === undefined ? fallback : Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${name} must be an integer ≥ ${min}`);
  return n;
};

export async function validatorSimulateCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      taps: { type: 'string' },
      readers: { type: 'string' },
      port: { type: 'string' },
      'reader-prefix': { type: 'string' },
      entitlements: { type: 'string' },
      deny: { type: 'string' },
      route: { type: 'string' },
      'no-display': { type: 'boolean' },
      quiet: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.taps === undefined) throw new UsageError('--taps is required');
  const taps = int(values.taps, '--taps', 0, 1);
  const readers = int(values.readers, '--readers', 2, 1);
  const port = int(values.port, '--port', VPCD_DEFAULT_PORT, 1);
  const population = {
    entitlements: int(values.entitlements, '--entitlements', 10_000),
    denied: int(values.deny, '--deny', 1000),
  };
  const prefix = values['reader-prefix'] ?? 'Virtual PCD';
  const readerNames = Array.from({ length: readers }, (_, i) => {
    const driver = Math.floor(i / 2); // each vpcd driver instance gives two readers
    return `${prefix} ${String(driver).padStart(2, '0')} ${String(i % 2).padStart(2, '0')}`;
  });
  const ports = readerNames.map((_, i) => port + i);

  const dir = mkdtempSync(join(tmpdir(), 'kazasu-validator-sim-'));
  const fleetKey = randomBytes(32);
  const store = openDeviceStore({ dataDir: dir, deviceId: 'bus-sim', clock: systemClock });
  let pty: PtyPair | undefined;
  let simulator: ValidatorDisplaySimulator | undefined;
  let display: ReconnectingDisplay | undefined;
  const hub = createPcscHub(ctx.logger);
  try {
    ctx.err(
      `installing ${population.entitlements} entitlements and ${population.denied} deny-list entries`,
    );
    installPopulation(store, fleetKey, population, demoFares, systemClock.now());
    if (!values['no-display']) {
      pty = await startPtyPair('kazasu-display');
      simulator = new ValidatorDisplaySimulator(await openSerialLink(pty.simulatorPath));
      const devicePath = pty.devicePath;
      display = new ReconnectingDisplay(() => openSerialLink(devicePath));
      await display.connect();
    }
    const config = ValidatorConfigSchema.parse({ routeId: values.route ?? 'R1', stopId: 'S101' });
    const service = new ValidatorService({
      hub,
      store,
      fleetKey,
      clock: systemClock,
      policy: policyOf(config),
      display,
      readers: readerNames,
      cardTimeoutMs: config.cardTimeoutMs,
      resultHoldMs: 500,
      logger: ctx.logger,
    });
    if (!values.quiet && !values.json) service.onTap((t) => ctx.out(describeTap(t)));
    service.start();
    await hub.settled(5000);
    const missing = readerNames.filter((n) => !hub.readers().some((r) => r.name === n));
    if (missing.length > 0) {
      ctx.err(
        `kazasu validator simulate: pcscd has no reader ${missing.map((m) => `"${m}"`).join(', ')} ` +
          '(is pcscd running with vsmartcard-vpcd? see --reader-prefix and --port)',
      );
      await service.stop();
      return 1;
    }
    ctx.err(`${taps} taps on ${readers} reader(s) through pcscd + vpcd`);
    const result = await simulateTaps({
      reports: (listener) => service.onTap((t) => listener(simReport(t))),
      taps,
      ports,
      readerNames,
      population,
    });
    await service.stop();
    const summary = {
      ...result,
      display: simulator
        ? {
            shows: simulator.history.filter((h) => h.kind === 'show').length,
            lines: simulator.lines,
          }
        : null,
      rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
    };
    if (values.json) ctx.out(JSON.stringify(summary));
    else {
      const p = (s: typeof result.totalMs): string =>
        `p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, max ${s.max.toFixed(2)} ms`;
      ctx.out(
        `taps decided: ${result.taps} (missed ${result.missed}) in ${(result.wallMs / 1000).toFixed(1)} s`,
      );
      ctx.out(
        `outcomes: ${JSON.stringify(result.outcomes)}; recorded: ${JSON.stringify(result.recorded)}`,
      );
      ctx.out(`card-present → committed decision: ${p(result.totalMs)}`);
      ctx.out(`  card I/O: ${p(result.cardMs)}; our own code: ${p(result.ownMs)}`);
      if (simulator) ctx.out(`display now: ${simulator.lines.join(' / ')}`);
    }
    return result.missed === 0 ? 0 : 1;
  } finally {
    await display?.close();
    await simulator?.close();
    await pty?.stop();
    await hub.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
