import { parseArgs } from 'node:util';
import type { ReaderHub, ReaderSnapshot } from '../../../reader/hub.ts';
import type { CliContext } from '../context.ts';

export const readersHelp = `kazasu readers [--json]
  Lists the PC/SC readers pcscd sees, with card presence, ATR and the card event counter.`;

export function formatReader(r: ReaderSnapshot): string {
  const card = r.cardPresent
    ? `card present${r.mute ? ' (mute)' : ''}, ATR ${r.atr ?? '?'}`
    : 'no card';
  const flags = [
    r.exclusive ? 'held by another process' : '',
    r.inSession ? 'in session' : '',
  ].filter(Boolean);
  return `${r.name}: ${card}, events ${r.eventCount}${flags.length ? `, ${flags.join(', ')}` : ''}`;
}

export async function readersCommand(
  argv: string[],
  ctx: CliContext,
  hub: ReaderHub,
): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean' } },
    strict: true,
  });
  await hub.settled();
  const readers = hub.readers();
  if (values.json) {
    ctx.out(JSON.stringify({ service: hub.status, readers }));
  } else if (hub.status === 'down') {
    ctx.out('pcscd is not reachable: start it (sudo /usr/sbin/pcscd) or run `npm start`.');
  } else if (readers.length === 0) {
    ctx.out('No readers. Plug in a PC/SC reader, or run `npm start` for the simulated ones.');
  } else {
    for (const r of readers) ctx.out(formatReader(r));
  }
  return hub.status === 'up' ? 0 : 1;
}
