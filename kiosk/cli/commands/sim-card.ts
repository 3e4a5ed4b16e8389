import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { toHex } from '../../../shared/bytes.ts';
import type { SimulatedCardKind } from '../../../reader/sim/card.ts';
import { BUILTIN_PROFILES, SIM_KINDS, createSimulatedCard } from '../../../reader/sim/factory.ts';
import { CardSlot } from '../../../reader/sim/slot.ts';
import { VpcdBridge } from '../../../reader/vpcd/bridge.ts';
import { VPCD_DEFAULT_HOST, VPCD_DEFAULT_PORT } from '../../../reader/vpcd/constants.ts';
import { UsageError, type CliContext } from '../context.ts';

export const simCardHelp = `kazasu sim card --kind mynumber|felica|unknown [--profile FILE|${BUILTIN_PROFILES.join('|')}]
                [--port N] [--host ADDRESS]
  Puts a simulated card into pcscd's virtual reader (vsmartcard-vpcd) until stopped with
  Ctrl-C. The default port ${VPCD_DEFAULT_PORT} is the reader "Virtual PCD 00 00"; ${VPCD_DEFAULT_PORT + 1} is "Virtual PCD 00 01".
  If pcscd restarts, the card reconnects by itself.
  Profiles: reader/sim/profiles/*.json show the format (holder data, credentials, keys).`;

export async function simCardCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      kind: { type: 'string' },
      profile: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
    },
    strict: true,
  });
  const kind = values.kind as SimulatedCardKind | undefined;
  if (!kind || !SIM_KINDS.includes(kind))
    throw new UsageError('--kind must be mynumber, felica or unknown');
  const port = values.port === undefined ? VPCD_DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new UsageError('--port must be a TCP port');
  const p = values.profile;
  const profile =
    p === undefined
      ? undefined
      : (BUILTIN_PROFILES as readonly string[]).includes(p)
        ? { builtin: p }
        : { json: JSON.parse(readFileSync(p, 'utf8')) as unknown };
  const card = createSimulatedCard(kind, profile);
  const slot = new CardSlot(`vpcd:${port}`);
  const bridge = new VpcdBridge(slot, {
    host: values.host ?? VPCD_DEFAULT_HOST,
    port,
    logger: ctx.logger,
  });
  let waiting = false;
  bridge.subscribe((event) => {
    const time = new Date().toISOString();
    if (event.type === 'connected') {
      waiting = false;
      ctx.err(`${time} ${kind} card in the reader at vpcd port ${port} (ATR ${toHex(card.atr)})`);
    } else if (event.type === 'disconnected') {
      ctx.err(`${time} card out of the reader (${event.reason})`);
    } else if (!waiting) {
      waiting = true; // said once, not at every retry
      ctx.err(
        `${time} waiting for pcscd's vpcd on port ${port} (${event.error}); retrying until it is there`,
      );
    }
  });
  bridge.start();
  slot.insert(card);
  await ctx.interrupted;
  await bridge.stop();
  return 0;
}
