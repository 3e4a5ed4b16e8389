import { SW } from '../apdu/status.ts';
import { ReaderError } from '../errors.ts';
import { selectByAid } from '../iso7816/commands.ts';
import type { CardChannel } from '../transport/channel.ts';
import { AID } from './constants.ts';

export type ApplicationName = keyof typeof AID;

/**
 * Selects an application by its full AID (SELECT by a prefix also succeeds on this card, so a
 * prefix proves nothing). Selecting another application drops the verified state of the one
 * left. A card without it is `reader/wrong-card`.
 */
export async function selectApplication(
  channel: CardChannel,
  name: ApplicationName,
): Promise<void> {
  const r = await channel.send(selectByAid(AID[name], `SELECT ${name} AP`), {
    accept: [SW.OK, SW.FILE_NOT_FOUND, SW.INS_NOT_SUPPORTED, SW.CLA_NOT_SUPPORTED, SW.WRONG_P1P2],
  });
  if (r.sw !== SW.OK) {
    throw new ReaderError(
      'reader/wrong-card',
      `the card has no ${name} application: not a My Number Card`,
      {
        details: { application: name, sw: r.sw },
      },
    );
  }
}
