import { wipe } from '../../shared/bytes.ts';
import { ReaderError } from '../errors.ts';
import { selectEf } from '../iso7816/commands.ts';
import { readTlvFile, readWholeFile } from '../iso7816/read-file.ts';
import type { CardChannel } from '../transport/channel.ts';
import { selectApplication } from './applications.ts';
import type { CaKeySet } from './ca-keys.ts';
import { CLA, INS, SIGN_P1P2, TEXT_EF } from './constants.ts';
import { presentCredential, type PinPolicy } from './credentials.ts';
import { sha256DigestInfo } from './cv-certificate.ts';
import { parseBasicFour, parseMyNumberFile, type BasicFour } from './basic-four.ts';
import { newChallenge, verifyTextAp, type Verification } from './verify.ts';

/**
 * 券面事項入力補助AP ("text"): the basic four read and proven genuine, the way the counter
 * reads a card. The sequence follows the card's structure (card-protocols.md "Text AP files"):
 *
 *   SELECT text AP → tries left → VERIFY (PIN or 照合番号B) → [counter check] → EF 0002 →
 *   [EF 0001 only if asked] → EF 0004 → EF 0003 → EF 0007 → challenge → [counter check]
 */
export type TextCredential =
  | { readonly kind: 'pin'; readonly secret: Uint8Array }
  | { readonly kind: 'code-b'; readonly secret: Uint8Array };

export interface TextReadOptions extends PinPolicy {
  readonly credential: TextCredential;
  readonly caKeys: CaKeySet;
  readonly acceptTestCards?: boolean;
  /**
   * Read the My Number (EF 0001). Only for procedures that are 個人番号利用事務; it needs the
   * PIN (照合番号B does not open EF 0001). Never stored by Kazasu.
   */
  readonly readMyNumber?: boolean;
  /** Skip the card-present challenge (`presence` is then 'not-checked'). */
  readonly skipPresence?: boolean;
  /** Randomness for the challenge (tests inject it). */
  readonly random?: (n: number) => Uint8Array;
  /**
   * Progress, for the UI ("PIN accepted, reading…"): awaited, so a caller may pause the flow;
   * the card is checked to be the same one after every pause.
   */
  readonly onStep?: (step: 'verified' | 'read') => void | Promise<void>;
}

export interface TextRead extends BasicFour {
  /** Only when `readMyNumber` was set. */
  readonly myNumber?: string;
  readonly verification: Verification;
}

/** The card's answer to `80 2A 00 00`: its AP key's signature of a SHA-256 DigestInfo. */
export async function signChallenge(
  channel: CardChannel,
  challenge: Uint8Array,
): Promise<Uint8Array> {
  const r = await channel.send({
    cla: CLA.PROPRIETARY,
    ins: INS.SIGN,
    p1: SIGN_P1P2.CARD_PRESENT >> 8,
    p2: SIGN_P1P2.CARD_PRESENT & 0xff,
    data: sha256DigestInfo(challenge),
    le: 256,
    label: 'card-present challenge',
  });
  return r.data;
}

async function readEf(channel: CardChannel, fid: number, label: string): Promise<Uint8Array> {
  await channel.send(selectEf(fid, `SELECT EF ${label}`));
  return readTlvFile(channel);
}

/**
 * After VERIFY, a card that left and came back (or another card) must not be read: the
 * verified state belonged to the first card. A removal is reported as a swap when the reader
 * has already seen another card arrive.
 */
async function guarded<T>(channel: CardChannel, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    const t = channel.transport;
    if (
      error instanceof ReaderError &&
      (error.code === 'reader/card-removed' || error.code === 'reader/card-reset') &&
      t.eventCount() - t.connectEventCount >= 2
    ) {
      throw new ReaderError('reader/card-swapped', 'another card was placed during the read', {
        cause: error,
      });
    }
    throw error;
  }
}

export async function readTextAp(
  channel: CardChannel,
  options: TextReadOptions,
): Promise<TextRead> {
  const { credential } = options;
  if (options.readMyNumber && credential.kind !== 'pin') {
    wipe(credential.secret);
    throw new ReaderError(
      'reader/not-allowed',
      'the My Number can be read only with the PIN (照合番号B does not open it)',
    );
  }
  await selectApplication(channel, 'TEXT');
  await presentCredential(
    channel,
    credential.kind === 'pin' ? 'text-pin' : 'text-code-b',
    credential.secret,
    options,
  );
  await options.onStep?.('verified');
  channel.assertSameCard(); // between VERIFY and READ
  return guarded(channel, async () => {
    const basicFourFile = await readEf(channel, TEXT_EF.BASIC_FOUR, 'basic four');
    let myNumberFile: Uint8Array | undefined;
    if (options.readMyNumber) {
      await channel.send(selectEf(TEXT_EF.MY_NUMBER, 'SELECT EF My Number'));
      myNumberFile = await readWholeFile(channel);
    }
    const cvCertificate = await readEf(channel, TEXT_EF.CV_CERTIFICATE, 'CV certificate');
    const integrity = await readEf(channel, TEXT_EF.INTEGRITY, 'integrity record');
    let presence:
      { signingKey: Uint8Array; challenge: Uint8Array; signature: Uint8Array } | undefined;
    if (!options.skipPresence) {
      const signingKey = await readEf(channel, TEXT_EF.SIGNING_KEY, 'AP signing key');
      const challenge = newChallenge(options.random);
      presence = { signingKey, challenge, signature: await signChallenge(channel, challenge) };
    }
    await options.onStep?.('read');
    channel.assertSameCard();
    const parsed = parseBasicFour(basicFourFile);
    const verification = verifyTextAp(
      {
        cvCertificate,
        integrity,
        basicFourDigestSource: parsed.digestSource,
        ...(myNumberFile ? { myNumberFile } : {}),
        ...(presence ? { presence } : {}),
      },
      { caKeys: options.caKeys, acceptTestCards: options.acceptTestCards === true },
    );
    const result: TextRead = {
      name: parsed.name,
      address: parsed.address,
      birthDate: parsed.birthDate,
      sex: parsed.sex,
      verification,
      ...(myNumberFile ? { myNumber: parseMyNumberFile(myNumberFile) } : {}),
    };
    if (myNumberFile) wipe(myNumberFile);
    wipe(basicFourFile);
    return result;
  });
}
