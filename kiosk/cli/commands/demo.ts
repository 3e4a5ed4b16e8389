import { parseArgs } from 'node:util';
import { serializeError } from '../../../shared/errors.ts';
import { identifyCard, type CardIdentity } from '../../../reader/card-kind.ts';
import type { ReaderEvent, ReaderHub } from '../../../reader/hub.ts';
import { createSimulatedCard } from '../../../reader/sim/factory.ts';
import { CardSlot } from '../../../reader/sim/slot.ts';
import { CardChannel } from '../../../reader/transport/channel.ts';
import { VpcdBridge } from '../../../reader/vpcd/bridge.ts';
import { VPCD_DEFAULT_HOST, VPCD_DEFAULT_PORT } from '../../../reader/vpcd/constants.ts';
import { createPcscHub } from '../../devices/pcsc.ts';
import { UsageError, type CliContext } from '../context.ts';

export const demoHelp = `kazasu demo [--port ${VPCD_DEFAULT_PORT}] [--reader-prefix "Virtual PCD"] [--until-identified]
  The reader stack alone (npm start runs the whole kiosk demo): a simulated My Number Card in the first vpcd reader and a
  simulated FeliCa transit card in the second, behind the real pcscd, with every reader and
  card event printed and each card identified when it arrives. In a terminal, keys drive the
  cards: [m] My Number Card in/out, [s] swap it for the senior holder's card, [f] FeliCa card
  in/out, [p] pull the My Number Card during its next exchange, [q] quit.
  --until-identified exits 0 once both cards were identified (1 after 30 s): a smoke test.`;

interface DemoCard {
  readonly label: string;
  readonly slot: CardSlot;
  readonly bridge: VpcdBridge;
  readonly reader: string;
}

function clock(): string {
  return new Date().toTimeString().slice(0, 8);
}

function describeEvent(e: ReaderEvent): string {
  switch (e.type) {
    case 'service-up':
      return 'pcscd reachable';
    case 'service-down':
      return `pcscd not reachable (${e.error.code}); retrying`;
    case 'reader-attached':
      return `reader attached: ${e.reader}`;
    case 'reader-detached':
      return `reader detached: ${e.reader}`;
    case 'card-present':
      return `card present: ${e.reader} (ATR ${e.atr}, event ${e.eventCount}${e.mute ? ', mute' : ''})`;
    case 'card-removed':
      return `card removed: ${e.reader} (event ${e.eventCount})`;
  }
}

function describeIdentity(id: CardIdentity): string {
  if (id.kind === 'felica')
    return `FeliCa card, IDm ${id.idm ?? '?'} (simulated; real IDms are never shown or stored)`;
  return id.kind === 'my-number' ? 'My Number Card (JPKI application answered)' : 'unknown card';
}

async function identify(
  hub: ReaderHub,
  reader: string,
  ctx: CliContext,
): Promise<CardIdentity | undefined> {
  try {
    const channel = new CardChannel(await hub.connect(reader), { logger: ctx.logger });
    try {
      return await identifyCard(channel);
    } finally {
      await channel.close('leave');
    }
  } catch (error) {
    ctx.out(
      `${clock()}   → could not identify the card on ${reader}: ${serializeError(error).code}`,
    );
    return undefined;
  }
}

export async function demoCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'reader-prefix': { type: 'string' },
      'until-identified': { type: 'boolean' },
    },
    strict: true,
  });
  const port = values.port === undefined ? VPCD_DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65534)
    throw new UsageError('--port must be a TCP port');
  const prefix = values['reader-prefix'] ?? 'Virtual PCD';

  const make = (label: string, index: number): DemoCard => {
    const slot = new CardSlot(`${prefix} 00 0${index}`);
    const bridge = new VpcdBridge(slot, {
      host: VPCD_DEFAULT_HOST,
      port: port + index,
      logger: ctx.logger,
    });
    return { label, slot, bridge, reader: slot.name };
  };
  const myNumber = make('My Number Card', 0);
  const felica = make('FeliCa transit card', 1);
  const hub = createPcscHub(ctx.logger);
  const identified = new Map<string, string>();
  let done: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (done = resolve));

  ctx.out('Kazasu demo: simulated cards behind the real pcscd (through vsmartcard-vpcd).');
  ctx.out(`  ${myNumber.reader} ← simulated My Number Card (synthetic test holder)`);
  ctx.out(`  ${felica.reader} ← simulated FeliCa transit card`);
  const interactive = process.stdin.isTTY && !values['until-identified'];
  if (interactive) {
    ctx.out(
      '  keys: [m] My Number in/out  [s] swap for senior card  [f] FeliCa in/out  [p] pull mid-read  [q] quit',
    );
  } else {
    ctx.out('  Ctrl-C to stop.');
  }

  const unsubscribe = hub.subscribe((event) => {
    ctx.out(`${clock()} ${describeEvent(event)}`);
    if (event.type === 'card-present' && !event.mute) {
      void identify(hub, event.reader, ctx).then((id) => {
        if (!id) return;
        ctx.out(`${clock()}   → ${event.reader}: ${describeIdentity(id)}`);
        identified.set(event.reader, id.kind);
        if (
          values['until-identified'] &&
          identified.get(myNumber.reader) === 'my-number' &&
          identified.get(felica.reader) === 'felica'
        ) {
          done(0);
        }
      });
    }
  });
  for (const c of [myNumber, felica]) {
    c.bridge.subscribe((e) => {
      if (e.type === 'waiting')
        ctx.logger.debug({ port: c.bridge.port, error: e.error }, 'waiting for vpcd');
    });
    c.bridge.start();
  }
  myNumber.slot.insert(createSimulatedCard('mynumber'));
  felica.slot.insert(createSimulatedCard('felica'));

  const keys = interactive ? listenForKeys(ctx, myNumber, felica, () => done(0)) : undefined;
  const timer = values['until-identified'] ? setTimeout(() => done(1), 30_000) : undefined;
  void ctx.interrupted.then(() => done(0));
  const code = await finished;
  if (timer) clearTimeout(timer);
  keys?.();
  unsubscribe(); // the shutdown's own detach events are not news
  await Promise.all([myNumber.bridge.stop(), felica.bridge.stop()]);
  await hub.close();
  return code;
}

function listenForKeys(
  ctx: CliContext,
  myNumber: DemoCard,
  felica: DemoCard,
  quit: () => void,
): () => void {
  const stdin = process.stdin;
  stdin.setRawMode(true);
  stdin.resume();
  const onData = (data: Buffer): void => {
    const key = data.toString('utf8');
    switch (key) {
      case 'm':
        if (myNumber.slot.card) myNumber.slot.remove();
        else myNumber.slot.insert(createSimulatedCard('mynumber'));
        break;
      case 's':
        myNumber.slot.swap(createSimulatedCard('mynumber', { builtin: 'senior' }));
        ctx.out(`${clock()} swapping in the senior holder's card`);
        break;
      case 'f':
        if (felica.slot.card) felica.slot.remove();
        else felica.slot.insert(createSimulatedCard('felica'));
        break;
      case 'p':
        myNumber.slot.pullOn(1);
        ctx.out(
          `${clock()} the My Number Card will be pulled during its next exchange (press [m] to put it back)`,
        );
        break;
      case 'q':
      case '\u0003': // Ctrl-C in raw mode
        quit();
        break;
      default:
        break;
    }
  };
  stdin.on('data', onData);
  return () => {
    stdin.off('data', onData);
    stdin.setRawMode(false);
    stdin.pause();
  };
}
