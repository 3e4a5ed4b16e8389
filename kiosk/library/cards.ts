/**
 * IC cards on the PC/SC readers as patron credentials. A FeliCa card gives its IDm; a My
 * Number Card gives its JPKI user-authentication certificate's serial (no PIN, no text AP, no
 * My Number) — and only where the municipality's switch allows it: otherwise the card is not
 * read past knowing what it is. The identifier goes straight to the keyed hash (patrons.ts).
 */
import { identifyCard } from '../../reader/card-kind.ts';
import type { ReaderEvent, ReaderHub } from '../../reader/hub.ts';
import { CardChannel } from '../../reader/transport/channel.ts';
import { serializeError } from '../../shared/errors.ts';
import { silentLogger, type Logger } from '../../shared/log.ts';
import { readCardId } from '../validator/identify.ts';
import type { Credential } from './types.ts';

export async function readCredential(
  channel: CardChannel,
  acceptMyNumberCard: boolean,
): Promise<Credential> {
  if (!acceptMyNumberCard) {
    try {
      const card = await identifyCard(channel);
      if (card.kind === 'my-number')
        return { kind: 'unusable-card', reason: 'my-number-not-accepted' };
      if (card.kind === 'felica' && card.idm) return { kind: 'ic-card', idm: card.idm };
      return { kind: 'unusable-card', reason: 'unknown-card' };
    } catch {
      return { kind: 'unreadable-card' };
    }
  }
  const id = await readCardId(channel);
  switch (id.kind) {
    case 'felica':
      return { kind: 'ic-card', idm: id.id };
    case 'my-number':
      return { kind: 'my-number', authSerial: id.id };
    case 'unknown':
      return { kind: 'unusable-card', reason: 'unknown-card' };
    case 'unreadable':
      return { kind: 'unreadable-card' };
  }
}

/** Whether `reader` is one of `readers` (exact names, or prefixes ending in "*"; absent: all). */
export function servesReader(readers: readonly string[] | undefined, reader: string): boolean {
  return (
    !readers ||
    readers.some((w) => (w.endsWith('*') ? reader.startsWith(w.slice(0, -1)) : w === reader))
  );
}

export interface CardWatchOptions {
  readonly acceptMyNumberCard: boolean;
  /** Reader names (exact, or a prefix ending in "*"); absent: every reader. */
  readonly readers?: readonly string[] | undefined;
  readonly exchangeTimeoutMs?: number;
  readonly logger?: Logger;
}

/** Calls `onCredential` for every card placed on a served reader; returns the unsubscribe. */
export function watchCards(
  hub: ReaderHub,
  options: CardWatchOptions,
  onCredential: (credential: Credential) => void,
): () => void {
  const log = (options.logger ?? silentLogger).child({ module: 'library:cards' });
  const serves = (reader: string): boolean => servesReader(options.readers, reader);
  const read = async (
    event: Extract<ReaderEvent, { type: 'card-present' }>,
  ): Promise<Credential> => {
    if (event.mute) return { kind: 'unreadable-card' };
    const transport = await hub.connect(event.reader, {
      share: 'exclusive',
      exchangeTimeoutMs: options.exchangeTimeoutMs ?? 2_000,
    });
    const channel = new CardChannel(transport, { logger: log });
    try {
      return await readCredential(channel, options.acceptMyNumberCard);
    } finally {
      await channel.close('leave').catch(() => undefined);
    }
  };
  return hub.subscribe((event) => {
    if (event.type !== 'card-present' || !serves(event.reader)) return;
    read(event).then(onCredential, (error: unknown) => {
      log.info({ err: serializeError(error) }, 'card not read');
      onCredential({ kind: 'unreadable-card' });
    });
  });
}
