import { identifyCard } from '../../reader/card-kind.ts';
import { cardKeyOf, readAuthCertificate } from '../../reader/mynumber/jpki-ap.ts';
import type { CardChannel } from '../../reader/transport/channel.ts';
import { normaliseTokenId, type TokenKind } from '../../shared/contracts/sync/token.ts';
import { serializeError } from '../../shared/errors.ts';

/**
 * What a tapped card gives the validator: a normalised identifier of a kind the municipality
 * links riders by, or nothing usable. The My Number Card is identified by its JPKI
 * user-authentication certificate's serial, read with no PIN (the certificate holds no name or
 * address; the My Number and the text AP are never touched). A FeliCa card by its IDm, one
 * APDU. The identifier goes straight into the keyed hash and is never logged or stored.
 */
export type CardId =
  | { readonly kind: 'felica' | 'my-number'; readonly tokenKind: TokenKind; readonly id: string }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'unreadable'; readonly code: string };

export async function readCardId(channel: CardChannel): Promise<CardId> {
  try {
    const card = await identifyCard(channel);
    switch (card.kind) {
      case 'felica': {
        const id = normaliseTokenId('felica-idm', card.idm ?? '');
        return id === undefined
          ? { kind: 'unreadable', code: 'reader/felica' }
          : { kind: 'felica', tokenKind: 'felica-idm', id };
      }
      case 'my-number': {
        // A card whose certificate was revoked or never issued refuses the EF: no identifier,
        // so the standard fare, not an endless "tap again".
        const der = await readAuthCertificate(channel).catch((error: unknown) => {
          if (serializeError(error).code === 'reader/status-word') return undefined;
          throw error;
        });
        if (der === undefined) return { kind: 'unknown' };
        const serial = cardKeyOf(der);
        const id = normaliseTokenId('jpki-auth-serial', serial);
        return id === undefined
          ? { kind: 'unreadable', code: 'reader/tlv-invalid' }
          : { kind: 'my-number', tokenKind: 'jpki-auth-serial', id };
      }
      case 'unknown':
        return { kind: 'unknown' };
    }
  } catch (error) {
    // A card pulled mid-read, a malformed answer, a timeout: the rider taps again.
    return { kind: 'unreadable', code: serializeError(error).code };
  }
}
