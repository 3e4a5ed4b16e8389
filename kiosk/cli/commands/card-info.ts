import { parseArgs } from 'node:util';
import { identifyCard } from '../../../reader/card-kind.ts';
import type { ReaderHub } from '../../../reader/hub.ts';
import { withCard } from '../card-session.ts';
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
  try {
    const result = await withCard(
      hub,
      ctx,
      values,
      async (channel, reader) => ({ reader, ...(await identifyCard(channel)) }),
      'leave',
    );
    if (values.json) ctx.out(JSON.stringify(result));
    else
      ctx.out(
        `${result.reader}: ${result.kind} card, ATR ${result.atr}${result.idm ? `, IDm ${result.idm}` : ''}`,
      );
    return 0;
  } catch (error) {
    if (values.json) ctx.out(JSON.stringify(errorJson(error)));
    else ctx.err(`kazasu card info: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
