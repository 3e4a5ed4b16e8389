import { parseArgs } from 'node:util';
import type { ReaderEvent, ReaderHub } from '../../../reader/hub.ts';
import type { CliContext } from '../context.ts';

export const watchHelp = `kazasu watch
  Streams reader and card events as JSON lines until interrupted:
  {"time":"...","type":"card-present","reader":"...","atr":"...","eventCount":3,"mute":false}
  Types: service-up, service-down, reader-attached, reader-detached, card-present, card-removed.`;

export function eventLine(event: ReaderEvent, now: Date): string {
  return JSON.stringify({ time: now.toISOString(), ...event });
}

export async function watchCommand(
  argv: string[],
  ctx: CliContext,
  hub: ReaderHub,
): Promise<number> {
  parseArgs({ args: argv, options: {}, strict: true });
  const off = hub.subscribe((event) => ctx.out(eventLine(event, new Date())));
  await ctx.interrupted;
  off();
  return 0;
}
