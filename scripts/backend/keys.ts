/**
 * The backend's secrets, in its data directory, each readable by the owner only: the Ed25519
 * key that signs dataset manifests, and the fleet HMAC key that turns card identifiers into
 * token hashes (copied to validators and library machines at provisioning).
 */
import { randomBytes, type KeyObject, createPublicKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  generateEd25519,
  keyId,
  privateKeyFromPem,
  privateKeyToPem,
  publicKeyToBase64,
} from '../../kiosk/crypto.ts';

export const SIGNING_KEY_FILE = 'signing-key.pem';
export const FLEET_KEY_FILE = 'fleet.key';
const FLEET_KEY_BYTES = 32;

export interface BackendKeys {
  readonly signingKey: KeyObject;
  readonly publicKey: string;
  readonly keyId: string;
  readonly fleetKey: Buffer;
}

/** Loads the keys, making any that is missing (mode 0600, exclusive create). */
export function loadOrCreateKeys(dataDir: string): BackendKeys {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const signingPath = join(dataDir, SIGNING_KEY_FILE);
  const fleetPath = join(dataDir, FLEET_KEY_FILE);
  if (!existsSync(signingPath)) {
    writeFileSync(signingPath, privateKeyToPem(generateEd25519().privateKey), {
      mode: 0o600,
      flag: 'wx',
    });
  }
  if (!existsSync(fleetPath)) {
    writeFileSync(fleetPath, randomBytes(FLEET_KEY_BYTES).toString('hex') + '\n', {
      mode: 0o600,
      flag: 'wx',
    });
  }
  const signingKey = privateKeyFromPem(readFileSync(signingPath, 'utf8'));
  const publicKey = publicKeyToBase64(createPublicKey(signingKey));
  return {
    signingKey,
    publicKey,
    keyId: keyId(publicKey),
    fleetKey: Buffer.from(readFileSync(fleetPath, 'utf8').trim(), 'hex'),
  };
}
