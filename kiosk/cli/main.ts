import { serializeError } from '../../shared/errors.ts';
import type { ReaderHub } from '../../reader/hub.ts';
import { createContext, UsageError, type CliContext } from './context.ts';

const HELP = `kazasu — card-reading device software for municipal counters, libraries and buses

Commands:
  kazasu readers [--json]                 list PC/SC readers and cards
  kazasu watch                            stream reader and card events as JSON lines
  kazasu card info [--json]               identify the card on a reader (my-number | felica | unknown)
  kazasu card read (--pin-stdin|--code-b DIGITS) [--json]
                                          read the basic four of a My Number Card and prove them genuine
  kazasu card retries [--json]            tries left for the card's PINs, without spending any
  kazasu card photo --code-b DIGITS -o FILE
                                          write the card face photo (JPEG 2000)
  kazasu card auth-cert -o FILE           write the JPKI user-authentication certificate, check its chain
  kazasu sim card --kind mynumber|felica|unknown [--profile FILE] [--port N]
                                          put a simulated card into pcscd's vpcd reader until stopped
  kazasu demo                             simulated cards behind pcscd, reader events on the terminal
  kazasu start [--config FILE] [--port 8780]
                                          the kiosk service for the device's role, with its UI on loopback
  kazasu validator [--config FILE] [--json]
                                          run the on-bus validator: taps decided offline from local data
  kazasu validator simulate --taps N      simulated riders tap through pcscd + vpcd; latency summary
  kazasu sim display [--port PATH]        a simulated validator display on a socat pty, printing what it shows
  kazasu library [--config FILE] [--scanner hid|stdin] [--json]
                                          run the library self-checkout: SIP2, scanner, receipts, offline store
  kazasu library demo                     a scripted self-checkout: SIP2 simulator, HID scanner, printer on a pty
  kazasu library exceptions [--json]      offline checkouts the library system refused, for staff
  kazasu sip2 sim [--port N]              a simulated library system (SIP2 ACS) on a TCP port
  kazasu sync [--once] [--json]           upload the outbox, bring datasets up to date (--once: one run)
  kazasu sync status [--json]             per dataset version and age; outbox pending and oldest
  kazasu sync identity [--json]           the device id and public key to register at the backend
  kazasu counter demo [--face] [--household] [--json]
                                          a whole counter case: simulated cards, camera, backend; prints the PDF
  kazasu audit verify [--json]            check the audit log's hash chain; names the first broken entry

Run "kazasu <command> --help" for details. Set KAZASU_LOG_LEVEL=debug for APDU traces (PINs masked).`;

type Handler = (argv: string[], ctx: CliContext) => Promise<number>;

async function withPcsc(
  ctx: CliContext,
  run: (hub: ReaderHub) => Promise<number>,
): Promise<number> {
  const { createPcscHub } = await import('../devices/pcsc.ts');
  const hub = createPcscHub(ctx.logger);
  try {
    return await run(hub);
  } finally {
    await hub.close();
  }
}

type ReaderHandler = (argv: string[], ctx: CliContext, hub: ReaderHub) => Promise<number>;

/** A command that works on the card readers: it gets a PcscHub, closed when it returns. */
function readerCommand(load: () => Promise<{ help: string; run: ReaderHandler }>): {
  help: () => Promise<string>;
  run: Handler;
} {
  return {
    help: async () => (await load()).help,
    run: async (argv, ctx) => {
      const { run } = await load();
      return withPcsc(ctx, (hub) => run(argv, ctx, hub));
    },
  };
}

const COMMANDS: Record<string, { help: () => Promise<string>; run: Handler }> = {
  readers: readerCommand(async () => {
    const m = await import('./commands/readers.ts');
    return { help: m.readersHelp, run: m.readersCommand };
  }),
  watch: readerCommand(async () => {
    const m = await import('./commands/watch.ts');
    return { help: m.watchHelp, run: m.watchCommand };
  }),
  'card info': readerCommand(async () => {
    const m = await import('./commands/card-info.ts');
    return { help: m.cardInfoHelp, run: m.cardInfoCommand };
  }),
  'card read': readerCommand(async () => {
    const m = await import('./commands/card-read.ts');
    return { help: m.cardReadHelp, run: m.cardReadCommand };
  }),
  'card retries': readerCommand(async () => {
    const m = await import('./commands/card-tools.ts');
    return { help: m.cardRetriesHelp, run: m.cardRetriesCommand };
  }),
  'card photo': readerCommand(async () => {
    const m = await import('./commands/card-tools.ts');
    return { help: m.cardPhotoHelp, run: m.cardPhotoCommand };
  }),
  'card auth-cert': readerCommand(async () => {
    const m = await import('./commands/card-tools.ts');
    return { help: m.cardAuthCertHelp, run: m.cardAuthCertCommand };
  }),
  'sim card': {
    help: async () => (await import('./commands/sim-card.ts')).simCardHelp,
    run: async (argv, ctx) => (await import('./commands/sim-card.ts')).simCardCommand(argv, ctx),
  },
  demo: {
    help: async () => (await import('./commands/demo.ts')).demoHelp,
    run: async (argv, ctx) => (await import('./commands/demo.ts')).demoCommand(argv, ctx),
  },
  start: {
    help: async () => (await import('./commands/start.ts')).startHelp,
    run: async (argv, ctx) => (await import('./commands/start.ts')).startCommand(argv, ctx),
  },
  validator: {
    help: async () => (await import('./commands/validator.ts')).validatorHelp,
    run: async (argv, ctx) => (await import('./commands/validator.ts')).validatorCommand(argv, ctx),
  },
  'validator simulate': {
    help: async () => (await import('./commands/validator-simulate.ts')).validatorSimulateHelp,
    run: async (argv, ctx) =>
      (await import('./commands/validator-simulate.ts')).validatorSimulateCommand(argv, ctx),
  },
  'sim display': {
    help: async () => (await import('./commands/sim-display.ts')).simDisplayHelp,
    run: async (argv, ctx) =>
      (await import('./commands/sim-display.ts')).simDisplayCommand(argv, ctx),
  },
  library: {
    help: async () => (await import('./commands/library.ts')).libraryHelp,
    run: async (argv, ctx) => (await import('./commands/library.ts')).libraryCommand(argv, ctx),
  },
  'library exceptions': {
    help: async () => (await import('./commands/library.ts')).libraryExceptionsHelp,
    run: async (argv, ctx) =>
      (await import('./commands/library.ts')).libraryExceptionsCommand(argv, ctx),
  },
  'library demo': {
    help: async () => (await import('./commands/library-demo.ts')).libraryDemoHelp,
    run: async (argv, ctx) =>
      (await import('./commands/library-demo.ts')).libraryDemoCommand(argv, ctx),
  },
  'sip2 sim': {
    help: async () => (await import('./commands/sip2-sim.ts')).sip2SimHelp,
    run: async (argv, ctx) => (await import('./commands/sip2-sim.ts')).sip2SimCommand(argv, ctx),
  },
  sync: {
    help: async () => (await import('./commands/sync.ts')).syncHelp,
    run: async (argv, ctx) => (await import('./commands/sync.ts')).syncCommand(argv, ctx),
  },
  'sync status': {
    help: async () => (await import('./commands/sync.ts')).syncStatusHelp,
    run: async (argv, ctx) => (await import('./commands/sync.ts')).syncStatusCommand(argv, ctx),
  },
  'counter demo': {
    help: async () => (await import('./commands/counter.ts')).counterDemoHelp,
    run: async (argv, ctx) => (await import('./commands/counter.ts')).counterDemoCommand(argv, ctx),
  },
  'audit verify': {
    help: async () => (await import('./commands/audit.ts')).auditVerifyHelp,
    run: async (argv, ctx) => (await import('./commands/audit.ts')).auditVerifyCommand(argv, ctx),
  },
  'sync identity': {
    help: async () => (await import('./commands/sync.ts')).syncIdentityHelp,
    run: async (argv, ctx) => (await import('./commands/sync.ts')).syncIdentityCommand(argv, ctx),
  },
};

/** Finds the longest command name that prefixes argv ("card info" before "card"). */
function resolve(argv: string[]): { name: string; rest: string[] } | undefined {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(' ');
    if (COMMANDS[name]) return { name, rest: argv.slice(words) };
  }
  return undefined;
}

export async function main(argv: string[]): Promise<number> {
  const ctx = createContext();
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    ctx.out(HELP);
    return argv.length === 0 ? 2 : 0;
  }
  const found = resolve(argv);
  if (!found) {
    ctx.err(`kazasu: unknown command "${argv.join(' ')}"\n\n${HELP}`);
    return 2;
  }
  const command = COMMANDS[found.name];
  if (!command) return 2;
  if (found.rest.includes('--help') || found.rest.includes('-h')) {
    ctx.out(await command.help());
    return 0;
  }
  try {
    return await command.run(found.rest, ctx);
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error instanceof TypeError &&
        'code' in error &&
        String(error.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      ctx.err(`kazasu ${found.name}: ${error.message}\n\n${await command.help()}`);
      return 2;
    }
    ctx.err(`kazasu ${found.name}: ${JSON.stringify(serializeError(error))}`);
    ctx.logger.error({ err: serializeError(error) }, 'command failed');
    return 1;
  }
}

const code = await main(process.argv.slice(2));
process.exit(code);
