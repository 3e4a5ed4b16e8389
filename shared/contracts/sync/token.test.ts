import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseTokenId, tokenHashInput, TOKEN_KINDS } from './token.ts';

describe('card identifiers before hashing', () => {
  it('normalises spacing and case so CSV and card agree', () => {
    expect(normaliseTokenId('felica-idm', '0123 4567 89AB CDEF')).toBe('0123456789abcdef');
    expect(normaliseTokenId('felica-idm', '01:23:45:67:89:ab:cd:ef')).toBe('0123456789abcdef');
    expect(normaliseTokenId('jpki-auth-serial', '00 0A 1B')).toBe('a1b');
    expect(normaliseTokenId('library-card', ' ab-1234 ')).toBe('AB-1234');
  });

  it('refuses what is not an identifier of that kind', () => {
    expect(normaliseTokenId('felica-idm', '0123456789abcde')).toBeUndefined();
    expect(normaliseTokenId('felica-idm', 'zz23456789abcdef')).toBeUndefined();
    expect(normaliseTokenId('library-card', '12')).toBeUndefined();
  });

  it('is idempotent, and kinds never collide in the HMAC input (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TOKEN_KINDS), fc.string({ maxLength: 48 }), (kind, raw) => {
        const once = normaliseTokenId(kind, raw);
        if (once === undefined) return;
        expect(normaliseTokenId(kind, once)).toBe(once);
        const other = TOKEN_KINDS.find((k) => k !== kind) ?? kind;
        expect(Buffer.from(tokenHashInput(kind, once))).not.toEqual(
          Buffer.from(tokenHashInput(other, once)),
        );
      }),
    );
  });
});
