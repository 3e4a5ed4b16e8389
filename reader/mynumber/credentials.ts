import { wipe } from '../../shared/bytes.ts';
import { SW, triesLeft as triesFrom } from '../apdu/status.ts';
import { ReaderError } from '../errors.ts';
import { retriesQuery, selectEf, verify } from '../iso7816/commands.ts';
import type { CardChannel } from '../transport/channel.ts';
import { JPKI_EF, SURFACE_EF, TEXT_EF } from './constants.ts';

/**
 * The card's credentials and the rules for presenting them (card-protocols.md "Credentials"):
 * read the counter before every VERIFY; never send one that could use the last try without the
 * person's explicit confirmation; never retry on our own; a blocked card goes to staff. The PIN
 * travels in the clear over the reader link: the bytes are zeroed after use and every trace
 * masks VERIFY data (reader/apdu/trace.ts).
 */
export type CredentialKind =
  'text-pin' | 'text-code-b' | 'surface-code-b' | 'jpki-auth-pin' | 'jpki-sign-password';

interface CredentialSpec {
  /** Key EF within the application that must already be selected. */
  readonly keyEf: number;
  readonly format: RegExp;
  /** What the holder is asked for, for error messages (never the value). */
  readonly description: string;
}

export const CREDENTIALS: Readonly<Record<CredentialKind, CredentialSpec>> = {
  'text-pin': {
    keyEf: TEXT_EF.PIN,
    format: /^\d{4}$/,
    description: '4-digit PIN (券面事項入力補助用暗証番号)',
  },
  'text-code-b': { keyEf: TEXT_EF.CODE_B, format: /^\d{14}$/, description: '14-digit 照合番号B' },
  'surface-code-b': {
    keyEf: SURFACE_EF.CODE_B,
    format: /^\d{14}$/,
    description: '14-digit 照合番号B',
  },
  'jpki-auth-pin': {
    keyEf: JPKI_EF.AUTH_PIN,
    format: /^\d{4}$/,
    description: '4-digit 利用者証明用 PIN',
  },
  'jpki-sign-password': {
    keyEf: JPKI_EF.SIGN_PIN,
    format: /^(?=.*[A-Z])(?=.*\d)[A-Z0-9]{6,16}$/,
    description: '署名用パスワード (6–16 of A–Z and 0–9, at least one of each)',
  },
};

export interface PinPolicy {
  /**
   * The holder confirmed, knowing it is the last try, that this VERIFY may be sent. Without
   * it, a credential with one try left is refused with `reader/pin-last-try` and nothing is sent.
   */
  readonly confirmLastTry?: boolean;
}

export type CredentialStatus =
  | { readonly state: 'ready'; readonly triesLeft: number }
  | { readonly state: 'blocked'; readonly triesLeft: 0 }
  /** The card answered 90 00: already verified in this session, nothing to send. */
  | { readonly state: 'verified' };

/**
 * The try counter of a credential, without spending a try (`00 20 00 80` with no data; JICSAP
 * 6.4.9(5)). Its application must be selected.
 */
export async function credentialStatus(
  channel: CardChannel,
  kind: CredentialKind,
): Promise<CredentialStatus> {
  await channel.send(selectEf(CREDENTIALS[kind].keyEf, `SELECT EF ${kind}`));
  const r = await channel.send(retriesQuery(), {
    accept: [
      SW.OK,
      SW.REFERENCE_DATA_BLOCKED,
      SW.AUTH_BLOCKED,
      (sw) => triesFrom(sw) !== undefined,
    ],
  });
  if (r.sw === SW.OK) return { state: 'verified' };
  const tries = triesFrom(r.sw) ?? 0;
  return tries === 0 ? { state: 'blocked', triesLeft: 0 } : { state: 'ready', triesLeft: tries };
}

function blocked(kind: CredentialKind): ReaderError {
  return new ReaderError(
    'reader/pin-blocked',
    `the ${CREDENTIALS[kind].description} is blocked; staff must reset it`,
    {
      details: { credential: kind, triesLeft: 0 },
    },
  );
}

/** Checks a credential's form before anything reaches the card (a typo must not cost a try). */
export function checkCredentialFormat(kind: CredentialKind, secret: Uint8Array): void {
  // A JS string cannot be wiped; this one lives only for the test and is never logged.
  const ok = CREDENTIALS[kind].format.test(String.fromCharCode(...secret));
  if (!ok) {
    throw new ReaderError('reader/pin-invalid', `expected a ${CREDENTIALS[kind].description}`, {
      details: { credential: kind, length: secret.length },
    });
  }
}

/**
 * Presents `secret` (ASCII bytes, owned by this call and zeroed before it returns) for `kind`,
 * in the currently selected application, following the rules above. Resolves when the card
 * accepted it. Rejects with `reader/pin-invalid` (wrong form, nothing sent), `reader/pin-last-try`
 * (one try left and no confirmation, nothing sent), `reader/pin-wrong` (details.triesLeft),
 * `reader/pin-blocked`, or `reader/card-swapped` when the card changed since the session began.
 * Never retries.
 */
export async function presentCredential(
  channel: CardChannel,
  kind: CredentialKind,
  secret: Uint8Array,
  policy: PinPolicy = {},
): Promise<void> {
  try {
    checkCredentialFormat(kind, secret);
    const status = await credentialStatus(channel, kind);
    if (status.state === 'verified') return;
    if (status.state === 'blocked') throw blocked(kind);
    if (status.triesLeft === 1 && policy.confirmLastTry !== true) {
      throw new ReaderError(
        'reader/pin-last-try',
        `one try left for the ${CREDENTIALS[kind].description}: ask the holder to confirm, or send them to staff`,
        { details: { credential: kind, triesLeft: 1 } },
      );
    }
    channel.assertSameCard();
    const r = await channel.send(verify(secret), {
      accept: [
        SW.OK,
        SW.REFERENCE_DATA_BLOCKED,
        SW.AUTH_BLOCKED,
        (sw) => triesFrom(sw) !== undefined,
      ],
    });
    if (r.sw === SW.OK) return;
    const left = triesFrom(r.sw) ?? 0;
    if (left === 0) throw blocked(kind); // 63C0: this try exhausted it; 6984 after that
    throw new ReaderError(
      'reader/pin-wrong',
      `the card refused the ${CREDENTIALS[kind].description}`,
      {
        details: { credential: kind, triesLeft: left },
      },
    );
  } finally {
    wipe(secret);
  }
}
