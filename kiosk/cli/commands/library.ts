import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { LibraryConfig } from '../../../shared/config/library.ts';
import { systemClock } from '../../../shared/clock.ts';
import { serializeError } from '../../../shared/errors.ts';
import { ReceiptPrinter } from '../../../hardware/receipt-printer/driver.ts';
import { BarcodeScanner } from '../../../hardware/hid/scanner.ts';
import {
  ConfigError,
  configPath,
  loadConfig,
  readFleetKey,
  type LoadedConfig,
} from '../../config/load.ts';
import { openHidTransport } from '../../devices/hid.ts';
import { createPcscHub } from '../../devices/pcsc.ts';
import { openSerialLink } from '../../devices/serial.ts';
import { librarySystemOf } from '../../devices/library-system.ts';
import { watchCards } from '../../library/cards.ts';
import { reportJson, reportLine } from '../../library/present.ts';
import { exceptionsReport } from '../../library/report.ts';
import { LibraryService } from '../../library/service.ts';
import { serviceSettingsOf } from '../../library/settings.ts';
import { openDeviceStore } from '../../store/open.ts';
import { startBackgroundSync } from '../../sync/setup.ts';
import { errorJson, type CliContext } from '../context.ts';

export const libraryHelp = `kazasu library [--config FILE] [--scanner hid|stdin] [--no-cards] [--no-sync] [--json]
  Runs the library self-checkout headless from the device config (role "library", section
  "library"): patrons identify with a library card (barcode scanner), a linked IC card or, where
  "acceptMyNumberCard" allows it, a My Number Card; each item is checked out over SIP2 and the
  receipt printed on the ESC/POS printer. When the library system is unreachable, patrons in
  the local cache who are not blocked may still borrow: checkouts are stored and forwarded with
  no-block when it is back. One line per screen on standard output (--json: JSON lines).
  --scanner stdin reads one barcode per line ("!end" ends the session); the default is the HID
  scanner of the config, or stdin without one. --no-cards: no PC/SC readers. Sync runs
  alongside unless --no-sync. Ctrl-C stops.`;

export const libraryExceptionsHelp = `kazasu library exceptions [--config FILE] [--json] [--resolve TXN]
  Offline checkouts the library system refused when they were forwarded: item, patron, time and
  reason, for staff to put right in the library system. --resolve TXN marks one as dealt with
  (the patron's id is then no longer kept).`;

function libraryConfig(path: string | undefined): { config: LoadedConfig; library: LibraryConfig } {
  const config = loadConfig(configPath(path));
  if (config.role !== 'library' || !config.library) {
    throw new ConfigError(
      'config/invalid',
      `${config.path}: kazasu library needs role "library" and a "library" section`,
      { details: { path: config.path, issues: [{ path: 'library', message: 'missing' }] } },
    );
  }
  return { config, library: config.library };
}

async function openPrinter(l: LibraryConfig, ctx: CliContext): Promise<ReceiptPrinter | undefined> {
  if (!l.printer) return undefined;
  try {
    return new ReceiptPrinter(await openSerialLink(l.printer.path, l.printer.baudRate), {
      logger: ctx.logger,
    });
  } catch (error) {
    ctx.err(`kazasu library: receipt printer not available: ${serializeError(error).message}`);
    return undefined;
  }
}

/** Barcodes from standard input, one a line: a keyboard-wedge scanner typing into a terminal. */
function stdinScanner(service: LibraryService): () => void {
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    const code = line.trim();
    if (code === '!end') service.endSession();
    else if (code !== '') service.barcode(code);
  });
  return () => rl.close();
}

async function hidScanner(
  l: LibraryConfig,
  service: LibraryService,
  ctx: CliContext,
): Promise<() => Promise<void>> {
  const s = l.scanner;
  if (!s) throw new ConfigError('config/invalid', 'library.scanner is not configured');
  const scanner = new BarcodeScanner(await openHidTransport(s), {
    layout: s.layout,
    tabEnds: s.tabEnds,
    logger: ctx.logger,
  });
  scanner.onEvent((e) => {
    if (e.type === 'barcode') service.barcode(e.code);
    else if (e.type === 'lost') ctx.err('kazasu library: barcode scanner disconnected');
    else ctx.logger.info({ problem: e.problem }, 'scan refused');
  });
  return () => scanner.close();
}

export async function libraryCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      scanner: { type: 'string' },
      'no-cards': { type: 'boolean' },
      'no-sync': { type: 'boolean' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  let config: LoadedConfig;
  let l: LibraryConfig;
  let fleetKey: Uint8Array;
  try {
    ({ config, library: l } = libraryConfig(values.config));
    fleetKey = readFleetKey(config);
  } catch (error) {
    ctx.out(JSON.stringify(errorJson(error)));
    return 1;
  }
  const store = openDeviceStore({
    dataDir: config.dataDir,
    deviceId: config.deviceId,
    clock: systemClock,
  });
  const system = librarySystemOf(l, ctx.logger);
  const printer = await openPrinter(l, ctx);
  const service = new LibraryService({
    clock: systemClock,
    store,
    system,
    fleetKey,
    printer,
    ...serviceSettingsOf(l),
    randomBytes: (n) => randomBytes(n),
    logger: ctx.logger,
  });
  service.onReport((r) => {
    const out = values.json ? reportJson(r) : reportLine(r);
    if (out !== undefined) ctx.out(typeof out === 'string' ? out : JSON.stringify(out));
  });
  const closers: (() => unknown)[] = [];
  const scannerKind = values.scanner ?? (l.scanner ? 'hid' : 'stdin');
  try {
    if (scannerKind === 'hid') closers.push(await hidScanner(l, service, ctx));
    else closers.push(stdinScanner(service));
  } catch (error) {
    ctx.err(
      `kazasu library: scanner: ${JSON.stringify(serializeError(error))}; reading barcodes from standard input`,
    );
    closers.push(stdinScanner(service));
  }
  if (!values['no-cards']) {
    const hub = createPcscHub(ctx.logger);
    const off = watchCards(
      hub,
      { acceptMyNumberCard: l.acceptMyNumberCard, readers: l.readers, logger: ctx.logger },
      (c) => service.card(c),
    );
    closers.push(off, () => hub.close());
  }
  const sync = values['no-sync']
    ? undefined
    : startBackgroundSync({ config, store, clock: systemClock, logger: ctx.logger });
  service.start();
  ctx.err(
    `kazasu library: ${config.deviceId}; SIP2 ${l.sip2.host}:${l.sip2.port}${l.sip2.tls === false ? '' : ' (TLS)'}` +
      `; printer ${printer ? printer.state : 'none'}; scanner ${scannerKind}; ${store.checkouts.stats().pending} checkouts waiting to be forwarded`,
  );
  await ctx.interrupted;
  await service.stop();
  await sync?.stop();
  for (const close of closers.reverse()) await close();
  await system.close();
  await printer?.close();
  store.close();
  return 0;
}

export function libraryExceptionsCommand(argv: string[], ctx: CliContext): number {
  const { values } = parseArgs({
    args: argv,
    options: { config: { type: 'string' }, json: { type: 'boolean' }, resolve: { type: 'string' } },
    strict: true,
  });
  try {
    const { config } = libraryConfig(values.config);
    const store = openDeviceStore({
      dataDir: config.dataDir,
      deviceId: config.deviceId,
      clock: systemClock,
    });
    try {
      if (values.resolve) {
        const done = store.checkouts.resolve(values.resolve) !== undefined;
        ctx.out(
          values.json
            ? JSON.stringify({ resolved: done })
            : done
              ? 'resolved'
              : 'no such open exception',
        );
        return done ? 0 : 1;
      }
      const rows = store.checkouts.exceptions();
      if (values.json) {
        ctx.out(JSON.stringify({ exceptions: rows, pending: store.checkouts.stats().pending }));
      } else for (const line of exceptionsReport(rows)) ctx.out(line);
      return 0;
    } finally {
      store.close();
    }
  } catch (error) {
    ctx.out(JSON.stringify(errorJson(error)));
    return 1;
  }
}
