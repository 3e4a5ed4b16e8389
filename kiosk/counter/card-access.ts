/**
 * The counter's card operations on one reader, built on reader/mynumber: the probe when a card
 * arrives (its card key and the PIN's tries left, no credential), the verified read, and the
 * card face opened with 照合番号B. Each operation is its own exclusive session, closed with a
 * reset, so no verified PIN state outlives it (README "Card sessions"); a session checks it
 * still talks to the card that was probed, and a different card is `reader/card-swapped`.
 */
import { wipe } from '../../shared/bytes.ts';
import type { Logger } from '../../shared/log.ts';
import { ReaderError } from '../../reader/errors.ts';
import type { ReaderHub } from '../../reader/hub.ts';
import { selectApplication } from '../../reader/mynumber/applications.ts';
import type { CaKeySet } from '../../reader/mynumber/ca-keys.ts';
import { CREDENTIAL } from '../../reader/mynumber/constants.ts';
import { credentialStatus } from '../../reader/mynumber/credentials.ts';
import { cardKeyOf, readAuthCertificate } from '../../reader/mynumber/jpki-ap.ts';
import { readCardFace, type CardFaceRead } from '../../reader/mynumber/surface-ap.ts';
import { readTextAp, type TextCredential, type TextRead } from '../../reader/mynumber/text-ap.ts';
import { isProven } from '../../reader/mynumber/verify.ts';
import { CardChannel } from '../../reader/transport/channel.ts';
import { CounterError } from './errors.ts';
import type { PinState } from './types.ts';

/** A card on a reader, as far as the counter knows it between operations. */
export interface CardSession {
  readonly reader: string;
  /** The reader's card event counter when the card was probed. */
  readonly eventCount: number;
  /** The card key (JPKI authentication certificate serial): compared, never stored. */
  readonly cardKey: string;
  /** 照合番号B as staff keyed it, kept for the read after a face match or staff check. */
  codeB?: Uint8Array;
  /** The card face photo, for the staff check screen (zeroed when the session ends). */
  photo?: Uint8Array;
}

export interface CardAccessOptions {
  readonly caKeys: CaKeySet;
  readonly acceptTestCards?: boolean;
  readonly logger?: Logger;
  /** Per-exchange time limit (ms). */
  readonly exchangeTimeoutMs?: number;
}

export class CardAccess {
  constructor(
    private readonly hub: ReaderHub,
    private readonly o: CardAccessOptions,
  ) {}

  /** What a freshly placed card is: its card key and the text PIN's state. */
  async probe(reader: string): Promise<{ session: CardSession; pin: PinState }> {
    const channel = await this.connect(reader);
    try {
      const cardKey = cardKeyOf(await readAuthCertificate(channel));
      await selectApplication(channel, 'TEXT');
      const status = await credentialStatus(channel, 'text-pin');
      const pin: PinState =
        status.state === 'blocked'
          ? { state: 'blocked' }
          : {
              state: 'ready',
              triesLeft: status.state === 'ready' ? status.triesLeft : CREDENTIAL.PIN_TRIES,
            };
      return { session: { reader, eventCount: channel.transport.connectEventCount, cardKey }, pin };
    } finally {
      await channel.close('reset');
    }
  }

  /**
   * The basic four, proven genuine, with the PIN or the session's 照合番号B; `readMyNumber` also
   * reads EF 0001 (PIN only). `pin` is zeroed. A read that is not proven is `counter/not-genuine`.
   */
  async read(
    session: CardSession,
    credential: 'pin' | 'code-b',
    pin: Uint8Array | undefined,
    options: { readonly confirmLastTry: boolean; readonly readMyNumber?: boolean },
  ): Promise<TextRead> {
    const secret = credential === 'pin' ? pin : session.codeB?.slice();
    if (!secret) {
      throw new ReaderError('reader/pin-invalid', 'no credential for the read', {
        details: { credential },
      });
    }
    const cred: TextCredential = { kind: credential, secret };
    try {
      const read = await this.use(session, (channel) =>
        readTextAp(channel, {
          credential: cred,
          caKeys: this.o.caKeys,
          acceptTestCards: this.o.acceptTestCards === true,
          confirmLastTry: options.confirmLastTry,
          readMyNumber: options.readMyNumber === true,
        }),
      );
      if (!isProven(read.verification)) {
        throw new CounterError('counter/not-genuine', 'the card data is not proven genuine', {
          details: { reasons: read.verification.reasons },
        });
      }
      return read;
    } finally {
      wipe(secret);
    }
  }

  /** The card face with 照合番号B (`codeB` is taken over by the session and zeroed with it). */
  async openFace(session: CardSession, codeB: Uint8Array): Promise<CardFaceRead> {
    if (session.codeB) wipe(session.codeB);
    session.codeB = codeB.slice();
    wipe(codeB);
    const face = await this.use(session, (channel) =>
      readCardFace(channel, (session.codeB as Uint8Array).slice()),
    );
    wipe(face.nameImage);
    wipe(face.addressImage);
    return face;
  }

  /** Zeroes what the session holds. */
  static end(session: CardSession): void {
    if (session.codeB) wipe(session.codeB);
    if (session.photo) wipe(session.photo);
    delete session.codeB;
    delete session.photo;
  }

  private async connect(reader: string): Promise<CardChannel> {
    const transport = await this.hub.connect(reader, {
      ...(this.o.exchangeTimeoutMs ? { exchangeTimeoutMs: this.o.exchangeTimeoutMs } : {}),
    });
    return new CardChannel(transport, this.o.logger ? { logger: this.o.logger } : {});
  }

  /**
   * Runs `op` on a new session with the session's card. When the reader's event counter moved
   * since the probe, the card key is read again: only the same card may go on.
   */
  private async use<T>(session: CardSession, op: (channel: CardChannel) => Promise<T>): Promise<T> {
    const channel = await this.connect(session.reader);
    try {
      if (channel.transport.connectEventCount !== session.eventCount) {
        const key = cardKeyOf(await readAuthCertificate(channel));
        if (key !== session.cardKey) {
          throw new ReaderError('reader/card-swapped', 'another card is on the reader');
        }
      }
      return await op(channel);
    } finally {
      await channel.close('reset');
    }
  }
}
