import { ReaderError } from '../../reader/errors.ts';
import { waitForEvent, type ReaderHub } from '../../reader/hub.ts';
import { CardChannel } from '../../reader/transport/channel.ts';
import type { CliContext } from './context.ts';

export interface CardTarget {
  /** A reader name; default: the first reader holding a card. */
  readonly reader?: string | undefined;
  /** Seconds to wait for a card when none is present. */
  readonly wait?: string | undefined;
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

/**
 * Runs `use` on an exclusive session with the card on the chosen reader, and always closes
 * it: closing resets the card, so no verified state outlives the command.
 */
export async function withCard<T>(
  hub: ReaderHub,
  ctx: CliContext,
  target: CardTarget,
  use: (channel: CardChannel, reader: string) => Promise<T>,
  disposition: 'reset' | 'leave' = 'reset',
): Promise<T> {
  await hub.settled();
  const waitMs = target.wait === undefined ? 0 : Math.max(0, Number(target.wait) * 1000 || 0);
  const reader = target.reader ?? (await pickReader(hub, waitMs));
  const channel = new CardChannel(await hub.connect(reader), { logger: ctx.logger });
  try {
    return await use(channel, reader);
  } finally {
    await channel.close(disposition);
  }
}
