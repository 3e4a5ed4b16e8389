/**
 * The device identity: an Ed25519 key pair made at first start and kept in the data directory,
 * readable by its owner only (mode 0600, like an SSH host key). The backend knows the device by
 * its id and public key; the private key never leaves this file.
 */
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import {
  generateEd25519,
  keyId,
  privateKeyFromPem,
  privateKeyToPem,
  publicKeyToBase64,
  signText,
} from '../crypto.ts';
import { createPublicKey } from 'node:crypto';
import { StoreError } from './errors.ts';

export const DEVICE_KEY_FILE = 'device-key.pem';
const OWNER_ONLY = 0o600;
const GROUP_OR_OTHER = 0o077;

export interface DeviceIdentity {
  readonly deviceId: string;
  /** Raw 32-byte Ed25519 public key, base64: what the backend registers. */
  readonly publicKey: string;
  readonly keyId: string;
  /** Ed25519 signature over the UTF-8 text, base64. */
  sign(text: string): string;
}

function fromPrivateKey(deviceId: string, privateKey: KeyObject): DeviceIdentity {
  const publicKey = publicKeyToBase64(createPublicKey(privateKey));
  return {
    deviceId,
    publicKey,
    keyId: keyId(publicKey),
    sign: (text) => signText(privateKey, text),
  };
}

/**
 * Loads the key from `dataDir`, or makes one when there is none. Creation is exclusive (`wx`),
 * so two processes starting together end up with one key. A key file others can read is
 * refused: a copied key would let anyone upload events as this device.
 */
export function loadOrCreateIdentity(dataDir: string, deviceId: string): DeviceIdentity {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, DEVICE_KEY_FILE);
  try {
    const { privateKey } = generateEd25519();
    writeFileSync(path, privateKeyToPem(privateKey), { mode: OWNER_ONLY, flag: 'wx' });
    chmodSync(path, OWNER_ONLY); // the umask may have narrowed it further; never wider
    return fromPrivateKey(deviceId, privateKey);
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) {
      throw new StoreError('store/read-only', 'cannot create the device key file', {
        cause: error,
      });
    }
  }
  if ((statSync(path).mode & GROUP_OR_OTHER) !== 0) {
    throw new StoreError(
      'store/key-permissions',
      `the device key file ${DEVICE_KEY_FILE} must be readable by its owner only (chmod 600)`,
    );
  }
  try {
    return fromPrivateKey(deviceId, privateKeyFromPem(readFileSync(path, 'utf8')));
  } catch (error) {
    throw new StoreError('store/key-invalid', `${DEVICE_KEY_FILE} is not an Ed25519 private key`, {
      cause: error,
    });
  }
}
