import { parseArgs } from 'node:util';
import { identifyCard } from '../../../reader/card-kind.ts';
import { ReaderError } from '../../../reader/errors.ts';
import { waitForEvent, type ReaderHub } from '../../../reader/hub.ts';
import { CardChannel } from '../../../reader/transport/channel.ts';
import { errorJson, type CliContext } from '../context.ts';

export const cardInfoHelp = `kazasu card info [--json] [--reader NAME] [--wait SECONDS]
  Identifies the card on a reader: {"reader":...,"kind":"my-number"|"felica"|"unknown","atr":...}
  and, for FeliCa, its IDm. A My Number Card is recognised by selecting its JPKI application,
  never by ATR. Without --reader, the first reader holding a card; --wait waits for one.`;

export async function cardInfoCommand(
  argv: string[],
  ctx: CliContext,
  hub: ReaderHub,
): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean' }, reader: { type: 'string' }, wait: { type: 'string' } },
    strict: true,
  });
  const waitMs = values.wait === undefined ? 0 : Math.max(0, Number(values.wait) * 1000 || 0);
  try {
    await hub.settled();
    const reader = values.reader ?? (await pickReader(hub, waitMs));
    const transport = await hub.connect(reader);
    const channel = new CardChannel(transport, { logger: ctx.logger });
    try {
      const info = await identifyCard(channel);
      const result = { reader, ...info };
      if (values.json) ctx.out(JSON.stringify(result));
      else {
        ctx.out(
          `${reader}: ${info.kind} card, ATR ${info.atr}${info.idm ? `, IDm ${info.idm}` : ''}`,
        );
      }
    } finally {
      await channel.close('leave');
    }
    return 0;
  } catch (error) {
    if (values.json) ctx.out(JSON.stringify(errorJson(error)));
    else ctx.err(`kazasu card info: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

async function pickReader(hub: ReaderHub, waitMs: number): Promise<string> {
  const withCard = hub.readers().find((r) => r.cardPresent);
  if (withCard) return withCard.name;
  if (waitMs > 0) {
    const event = await waitForEvent(hub, (e) => e.type === 'card-present', waitMs);
    if (event.type === 'card-present') return event.reader;
  }
  throw new ReaderError(
    hub.status === 'up' ? 'reader/no-card' : 'reader/transport-lost',
    hub.status === 'up' ? 'no card on any reader' : 'pcscd is not reachable',
  );
}
