/**
 * Manifest signatures: Ed25519 by the backend, checked against the keys pinned in the device
 * configuration. A manifest names its key; an unpinned key is refused, so a backend (or a
 * man in the middle) cannot introduce a key of its own.
 */
import type { KeyObject } from 'node:crypto';
import { manifestSigningString } from '../../shared/contracts/sync/canonical.ts';
import type { Manifest, SignedManifest } from '../../shared/contracts/sync/datasets.ts';
import { keyId, publicKeyFromBase64, verifyText } from '../crypto.ts';
import { SyncError } from './errors.ts';

export type PinnedKeys = ReadonlyMap<string, KeyObject>;

/** Pins the given base64 raw Ed25519 keys by their key ids; an unusable key throws TypeError. */
export function pinKeys(publicKeys: readonly string[]): PinnedKeys {
  return new Map(
    publicKeys.map((b64) => {
      const key = publicKeyFromBase64(b64);
      if (!key) throw new TypeError('not a base64 Ed25519 public key');
      return [keyId(b64), key] as const;
    }),
  );
}

export function verifyManifest(signed: SignedManifest, keys: PinnedKeys): Manifest {
  const m = signed.manifest;
  const key = keys.get(m.keyId);
  if (!key) {
    throw new SyncError(
      'sync/unknown-key',
      `${m.dataset} version ${m.version} is signed by key ${m.keyId}, which is not pinned`,
      {
        details: { dataset: m.dataset, version: m.version, keyId: m.keyId },
      },
    );
  }
  if (!verifyText(key, manifestSigningString(m), signed.signature)) {
    throw new SyncError(
      'sync/signature-invalid',
      `${m.dataset} version ${m.version}: the signature does not verify`,
      {
        details: { dataset: m.dataset, version: m.version, keyId: m.keyId },
      },
    );
  }
  return m;
}
