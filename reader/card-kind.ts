import { toHex } from '../shared/bytes.ts';
import type { CommandApdu } from './apdu/command.ts';
import { SW } from './apdu/status.ts';
import { readIdm } from './felica/access.ts';
import { isFelicaAtr } from './felica/constants.ts';
import { AID } from './mynumber/constants.ts';
import type { CardChannel } from './transport/channel.ts';

export type CardKind = 'my-number' | 'felica' | 'unknown';

export interface CardIdentity {
  readonly kind: CardKind;
  /** The ATR as the reader reported it, hex. */
  readonly atr: string;
  /** FeliCa only: the IDm, hex. Personal data: hash before storing, never log. */
  readonly idm?: string;
}

/**
 * SELECT the JPKI AP by its full AID, P2 0C (no FCI): `00 A4 04 0C 0A D3 92 F0 00 26 01 00 00
 * 00 01`. The full AID matters because SELECT by an AID prefix succeeds on this card
 * (card-protocols.md).
 */
function selectJpkiCommand(): CommandApdu {
  return {
    cla: 0x00,
    ins: 0xa4,
    p1: 0x04,
    p2: 0x0c,
    data: AID.JPKI,
    label: 'SELECT JPKI AP (identify)',
  };
}

/**
 * What kind of card is on the reader (card-protocols.md):
 * - FeliCa: the reader reports a PC/SC Part 3 storage-card ATR naming FeliCa; then the IDm is
 *   read with `FF CA`. Checked first because such an ATR means the reader talks to the card as
 *   a storage card: an ISO SELECT could not reach any application on it, and skipping it keeps
 *   a bus tap to one exchange.
 * - My Number Card: a SELECT of the JPKI AP by its full AID answers 90 00. Never by ATR:
 *   contactless readers invent their own ATR for it.
 * - anything else: 'unknown'. A refused SELECT (6A 82, 6D 00, …) is an answer, not an error;
 *   transport failures (card removed, timeout) propagate as ReaderErrors.
 */
export async function identifyCard(channel: CardChannel): Promise<CardIdentity> {
  const atr = toHex(channel.transport.atr);
  if (isFelicaAtr(channel.transport.atr)) {
    const idm = await readIdm(channel);
    return { kind: 'felica', atr, idm: toHex(idm) };
  }
  const selected = await channel.send(selectJpkiCommand(), { accept: [() => true] });
  return { kind: selected.sw === SW.OK ? 'my-number' : 'unknown', atr };
}
