import { parseArgs } from 'node:util';
import { systemClock } from '../../../shared/clock.ts';
import { ConfigError, configPath, loadConfig, readFleetKey } from '../../config/load.ts';
import { openSerialLink } from '../../devices/serial.ts';
import { createPcscHub } from '../../devices/pcsc.ts';
import { openDeviceStore } from '../../store/open.ts';
import { startBackgroundSync } from '../../sync/setup.ts';
import { policyOf } from '../../validator/policy.ts';
import { ReconnectingDisplay } from '../../validator/display-link.ts';
import { ValidatorService, type TapReport } from '../../validator/service.ts';
import { errorJson, type CliContext } from '../context.ts';

export const validatorHelp = `kazasu validator [--config FILE] [--route ID] [--stop ID] [--json [--durable]] [--no-sync]
  Runs the on-bus validator headless from the device config (role "validator", section
  "validator"): every card on the readers is identified (FeliCa IDm, or a My Number Card's
  authentication certificate with no PIN), hashed with the fleet key, checked against the local
  deny list and entitlements, priced from the fares dataset, recorded with its ride event in one
  transaction and shown on the rider display. Sync runs alongside (every sync.intervalSeconds;
  --no-sync leaves it to "kazasu sync"). One line per tap on standard output (--json: JSON lines
  with outcome, fare, reason and timings; never a card identifier; --durable adds a line
  {"durable":{"deviceSeq","durableMs"}} once a recorded tap is on disk, see validator.fsync).
  --route / --stop override the config's route and boarding stop. Ctrl-C stops.`;

/** Last taps are kept a day: longer than any duplicate or transfer window a fare table sets. */
const RECENT_TAP_MS = 24 * 3_600_000;

const yen = (n: number | undefined): string => (n === undefined ? '' : ` ${n}円`);

/** The one-line form of a tap for the terminal. */
export function describeTap(t: TapReport): string {
  const time = new Date(t.at).toTimeString().slice(0, 8);
  const d = t.decision;
  const ms = (v: number): string => v.toFixed(1);
  return (
    `${time} ${t.reader}: ${d.outcome}${yen(d.fareYen)} — ${d.reason.ja} / ${d.reason.en}` +
    `${d.allowanceLeft === undefined ? '' : ` (rides left ${d.allowanceLeft})`}` +
    ` [${t.card}, card ${ms(t.timings.cardMs)} ms, ours ${ms(t.timings.ownMs)} ms]`
  );
}

/** The JSON form of a tap: what happened, never who. */
export function tapJson(t: TapReport): Record<string, unknown> {
  const d = t.decision;
  return {
    at: new Date(t.at).toISOString(),
    reader: t.reader,
    card: t.card,
    outcome: d.outcome,
    reason: d.reason,
    fareYen: d.fareYen ?? null,
    discountYen: d.discountYen,
    category: d.category?.id ?? null,
    subsidised: d.subsidised,
    allowanceLeft: d.allowanceLeft ?? null,
    staleData: d.staleData,
    recorded: t.recorded,
    deviceSeq: t.deviceSeq ?? null,
    timings: t.timings,
  };
}

export async function validatorCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      route: { type: 'string' },
      stop: { type: 'string' },
      json: { type: 'boolean' },
      durable: { type: 'boolean' },
      'no-sync': { type: 'boolean' },
    },
    strict: true,
  });
  let config;
  let fleetKey: Uint8Array;
  try {
    config = loadConfig(configPath(values.config));
    if (config.role !== 'validator' || !config.validator) {
      throw new ConfigError(
        'config/invalid',
        `${config.path}: kazasu validator needs role "validator" and a "validator" section`,
        { details: { path: config.path, issues: [{ path: 'validator', code: 'missing' }] } },
      );
    }
    fleetKey = readFleetKey(config);
  } catch (error) {
    ctx.out(JSON.stringify(errorJson(error)));
    return 1;
  }
  const v = config.validator;
  const store = openDeviceStore({
    dataDir: config.dataDir,
    deviceId: config.deviceId,
    clock: systemClock,
  });
  const hub = createPcscHub(ctx.logger);
  const displayPort = v.display;
  const display = displayPort
    ? new ReconnectingDisplay(() => openSerialLink(displayPort.path, displayPort.baudRate), {
        logger: ctx.logger,
      })
    : undefined;
  await display?.connect();
  const service = new ValidatorService({
    hub,
    store,
    fleetKey,
    clock: systemClock,
    policy: policyOf(v, values.route, values.stop),
    fareTable: v.fareTable,
    display,
    readers: v.readers,
    cardTimeoutMs: v.cardTimeoutMs,
    resultHoldMs: v.resultHoldMs,
    fsync: v.fsync,
    housekeeping: {
      everyMs: 10 * 60_000,
      retentionMs: config.sync.retentionDays * 86_400_000,
      recentTapMs: RECENT_TAP_MS,
    },
    logger: ctx.logger,
  });
  service.onTap((t) => ctx.out(values.json ? JSON.stringify(tapJson(t)) : describeTap(t)));
  if (values.json && values.durable)
    service.onDurable((d) => ctx.out(JSON.stringify({ durable: d })));
  display?.onState((s) => ctx.err(`kazasu validator: rider display ${s}`));
  hub.subscribe((e) => {
    if (e.type === 'service-down') ctx.err('kazasu validator: pcscd not reachable; retrying');
    if (e.type === 'reader-detached') ctx.err(`kazasu validator: reader detached: ${e.reader}`);
    if (e.type === 'reader-attached') ctx.err(`kazasu validator: reader attached: ${e.reader}`);
  });
  service.start();
  ctx.err(
    `kazasu validator: ${config.deviceId} on route ${values.route ?? v.routeId}; ` +
      `${display ? `display ${display.state}` : 'no display'}; waiting for cards`,
  );

  const sync = values['no-sync']
    ? undefined
    : startBackgroundSync({ config, store, clock: systemClock, logger: ctx.logger });

  await ctx.interrupted;
  await service.stop();
  await sync?.stop();
  await display?.close();
  await hub.close();
  store.close();
  return 0;
}
