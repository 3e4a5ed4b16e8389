import { createPublicKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { bytesEqual, fromHex } from '../../shared/bytes.ts';
import { ReaderError } from '../errors.ts';
import defaultKeys from './trust/jlis-cv-ca-keys.json' with { type: 'json' };

/**
 * The CA keys that sign the 券面 applications' card-verifiable certificates, in the format of
 * jlis-cv-ca-keys.json (reader/mynumber/trust/PROVENANCE.md). A certificate is matched by all
 * 16 bytes of its issuer key id; production ids start with '5', the JPKI test hierarchy's with
 * '6', and test keys count only when the caller allows test cards.
 */
export interface CaKey {
  readonly name: string;
  readonly keyId: Uint8Array;
  readonly hierarchy: 'production' | 'test';
  readonly publicKey: KeyObject;
}

export interface CaKeySet {
  readonly keys: readonly CaKey[];
}

const hex = (length?: number) =>
  z
    .string()
    .regex(/^([0-9a-fA-F]{2})+$/, 'must be hex')
    .refine((s) => length === undefined || s.length === length * 2, `must be ${length ?? 0} bytes`);

const fileSchema = z.object({
  keys: z
    .array(
      z.object({
        name: z.string().min(1),
        keyId: hex(16),
        hierarchy: z.enum(['production', 'test']),
        exponent: hex(),
        modulus: hex(256),
      }),
    )
    .min(1),
});

/** Validates a key file (parsed JSON). Throws `reader/trust-invalid` naming the bad paths. */
export function loadCaKeySet(json: unknown): CaKeySet {
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new ReaderError('reader/trust-invalid', `CA key file: ${where}`);
  }
  return {
    keys: parsed.data.keys.map((k) => ({
      name: k.name,
      keyId: fromHex(k.keyId),
      hierarchy: k.hierarchy,
      publicKey: createPublicKey({
        key: {
          kty: 'RSA',
          n: Buffer.from(k.modulus, 'hex').toString('base64url'),
          e: Buffer.from(k.exponent, 'hex').toString('base64url'),
        },
        format: 'jwk',
      }),
    })),
  };
}

let defaults: CaKeySet | undefined;

/** The J-LIS keys shipped with Kazasu (production and test hierarchy). */
export function defaultCaKeySet(): CaKeySet {
  defaults ??= loadCaKeySet(defaultKeys);
  return defaults;
}

export type CaLookup =
  | { readonly found: true; readonly key: CaKey }
  | {
      readonly found: false;
      readonly reason: 'unknown-ca' | 'test-hierarchy-not-accepted';
      readonly name?: string;
    };

export function findCaKey(
  set: CaKeySet,
  issuerKeyId: Uint8Array,
  acceptTestCards: boolean,
): CaLookup {
  const key = set.keys.find((k) => bytesEqual(k.keyId, issuerKeyId));
  if (!key) return { found: false, reason: 'unknown-ca' };
  if (key.hierarchy === 'test' && !acceptTestCards) {
    return { found: false, reason: 'test-hierarchy-not-accepted', name: key.name };
  }
  return { found: true, key };
}
