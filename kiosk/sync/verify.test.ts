import { describe, expect, it } from 'vitest';
import { manifestSigningString } from '../../shared/contracts/sync/canonical.ts';
import type { Manifest } from '../../shared/contracts/sync/datasets.ts';
import { generateEd25519, keyId, publicKeyToBase64, signText } from '../crypto.ts';
import { pinKeys, verifyManifest } from './verify.ts';

const { privateKey, publicKey } = generateEd25519();
const pub = publicKeyToBase64(publicKey);
const manifest: Manifest = {
  dataset: 'deny-list',
  kind: 'snapshot',
  version: 7,
  createdAt: 1,
  rows: 2,
  bytes: 3,
  sha256: 'a'.repeat(64),
  keyId: keyId(pub),
};
const signature = signText(privateKey, manifestSigningString(manifest));

describe('manifest signatures', () => {
  it('verify with the pinned key', () => {
    expect(verifyManifest({ manifest, signature }, pinKeys([pub]))).toEqual(manifest);
  });

  it('refuse any changed field, and a key that is not pinned', () => {
    expect(() =>
      verifyManifest({ manifest: { ...manifest, version: 8 }, signature }, pinKeys([pub])),
    ).toThrow(expect.objectContaining({ code: 'sync/signature-invalid' }));
    expect(() =>
      verifyManifest(
        { manifest: { ...manifest, dataset: 'entitlements' }, signature },
        pinKeys([pub]),
      ),
    ).toThrow(expect.objectContaining({ code: 'sync/signature-invalid' }));
    const other = publicKeyToBase64(generateEd25519().publicKey);
    expect(() => verifyManifest({ manifest, signature }, pinKeys([other]))).toThrow(
      expect.objectContaining({ code: 'sync/unknown-key' }),
    );
  });
});
