/**
 * Request authentication: each device signs method, target, body digest, time and a nonce with
 * its Ed25519 key (shared/contracts/sync/canonical.ts). The backend checks the device is
 * registered and active, the time is within the window (else `backend/clock-skew`, and the
 * response tells the device the backend's time), the signature, and that the nonce is new
 * within the window (replay protection), in that order.
 */
import type { KeyObject } from 'node:crypto';
import { HEADERS, HEX, LIMITS } from '../../shared/contracts/sync/constants.ts';
import { requestSigningString } from '../../shared/contracts/sync/canonical.ts';
import { DEVICE_ROLES, type DeviceRole } from '../../shared/contracts/sync/events.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Statement, WritableDb } from '../../kiosk/store/db.ts';
import { publicKeyFromBase64, sha256Hex, verifyText } from '../../kiosk/crypto.ts';
import { BackendError } from './errors.ts';

export interface AuthenticatedDevice {
  readonly deviceId: string;
  readonly role: DeviceRole;
}

export interface SignedRequest {
  readonly method: string;
  readonly target: string;
  readonly header: (name: string) => string | undefined;
  readonly body: Uint8Array;
}

const NONCE = new RegExp(`^[0-9a-f]{${HEX.nonce}}$`);

export class Authenticator {
  private readonly keys = new Map<string, KeyObject>();
  private readonly s: Record<'device' | 'nonce' | 'prune', Statement>;

  constructor(
    db: WritableDb,
    private readonly clock: Clock,
  ) {
    this.s = {
      device: db.prepare(
        `SELECT role, public_key AS publicKey FROM devices WHERE device_id = ? AND status = 'active'`,
      ),
      nonce: db.prepare(
        `INSERT INTO nonces (device_id, nonce, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
      ),
      prune: db.prepare(`DELETE FROM nonces WHERE expires_at < ?`),
    };
  }

  authenticate(req: SignedRequest): AuthenticatedDevice {
    const deviceId = req.header(HEADERS.device);
    const timestamp = Number(req.header(HEADERS.timestamp));
    const nonce = req.header(HEADERS.nonce);
    const signature = req.header(HEADERS.signature);
    if (
      !deviceId ||
      !Number.isSafeInteger(timestamp) ||
      !nonce ||
      !NONCE.test(nonce) ||
      !signature
    ) {
      throw new BackendError(
        'backend/unauthenticated',
        'missing or malformed authentication headers',
      );
    }
    const device = this.s.device.get(deviceId) as { role: string; publicKey: string } | undefined;
    const role = DEVICE_ROLES.find((r) => r === device?.role);
    const key = device && this.key(device.publicKey);
    if (!device || !role || !key) {
      throw new BackendError('backend/unknown-device', 'no active device with that id');
    }
    const now = this.clock.now();
    if (Math.abs(now - timestamp) > LIMITS.requestWindowMs) {
      throw new BackendError(
        'backend/clock-skew',
        'the request time is outside the accepted window',
        {
          details: { skewMs: timestamp - now },
        },
      );
    }
    const text = requestSigningString({
      method: req.method,
      target: req.target,
      deviceId,
      timestamp,
      nonce,
      bodySha256: sha256Hex(req.body),
    });
    if (!verifyText(key, text, signature)) {
      throw new BackendError('backend/signature-invalid', 'the request signature does not verify');
    }
    // Kept for twice the window: a request is accepted only within ±window of its timestamp.
    if (this.s.nonce.run(deviceId, nonce, now + 2 * LIMITS.requestWindowMs).changes === 0) {
      throw new BackendError('backend/replay', 'this request was seen before');
    }
    return { deviceId, role };
  }

  pruneNonces(): number {
    return this.s.prune.run(this.clock.now()).changes;
  }

  private key(publicKey: string): KeyObject | undefined {
    let key = this.keys.get(publicKey);
    if (!key) {
      key = publicKeyFromBase64(publicKey);
      if (key) this.keys.set(publicKey, key);
    }
    return key;
  }
}
