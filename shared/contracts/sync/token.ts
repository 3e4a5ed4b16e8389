/**
 * What a card identifier becomes before it is hashed. Card identifiers are stored and sent only
 * as keyed hashes (architecture "Data rules"): HMAC-SHA256 with the fleet key over the bytes
 * built here. The same normalisation runs in the validator (from the card) and in the backend
 * (from the municipality's CSV), so `0123 4567 89AB CDEF` and `0123456789abcdef` agree.
 */

/**
 * `felica-idm`: the FeliCa IDm, 8 bytes. `jpki-auth-serial`: the serial number of the My Number
 * Card's user-authentication certificate. `library-card`: the barcode of a library card.
 */
export const TOKEN_KINDS = ['felica-idm', 'jpki-auth-serial', 'library-card'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

const TOKEN_DOMAIN = 'kazasu-token-v1';

/** The identifier in canonical form, or undefined when it is not one of its kind. */
export function normaliseTokenId(kind: TokenKind, raw: string): string | undefined {
  switch (kind) {
    case 'felica-idm': {
      const hex = raw.replace(/[\s:-]/g, '').toLowerCase();
      return /^[0-9a-f]{16}$/.test(hex) ? hex : undefined;
    }
    case 'jpki-auth-serial': {
      const hex = raw
        .replace(/[\s:-]/g, '')
        .toLowerCase()
        .replace(/^0+(?=.)/, '');
      return /^[0-9a-f]{1,40}$/.test(hex) ? hex : undefined;
    }
    case 'library-card': {
      const code = raw.trim().toUpperCase();
      return /^[0-9A-Z-]{4,32}$/.test(code) ? code : undefined;
    }
  }
}

/** The HMAC input for a normalised identifier: domain, kind and id separated by NUL. */
export function tokenHashInput(kind: TokenKind, normalised: string): Uint8Array {
  return new TextEncoder().encode(`${TOKEN_DOMAIN}\0${kind}\0${normalised}`);
}
