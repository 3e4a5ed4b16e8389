import { describe, expect, it } from 'vitest';
import { requestSigningString } from '../../shared/contracts/sync/canonical.ts';
import { HEADERS } from '../../shared/contracts/sync/constants.ts';
import { generateEd25519, publicKeyToBase64, sha256Hex, signText } from '../../kiosk/crypto.ts';
import { manualClock } from '../../kiosk/store/testing.ts';
import { Authenticator, type SignedRequest } from './auth.ts';
import { memoryBackendDb } from './db.ts';

const clock = manualClock(1_800_000_000_000);
const db = memoryBackendDb();
const { privateKey, publicKey } = generateEd25519();
db.prepare(
  `INSERT INTO devices (device_id, role, public_key, registered_at) VALUES ('bus-1', 'validator', ?, 0)`,
).run(publicKeyToBase64(publicKey));
const auth = new Authenticator(db, clock);
let nonceCounter = 0;

function request(
  o: {
    timestamp?: number;
    nonce?: string;
    body?: string;
    target?: string;
    key?: typeof privateKey;
  } = {},
): SignedRequest {
  const body = Buffer.from(o.body ?? '{"events":[]}');
  const timestamp = o.timestamp ?? clock.now();
  const nonce = o.nonce ?? (nonceCounter += 1).toString(16).padStart(32, '0');
  const signature = signText(
    o.key ?? privateKey,
    requestSigningString({
      method: 'POST',
      target: '/v1/events',
      deviceId: 'bus-1',
      timestamp,
      nonce,
      bodySha256: sha256Hex(body),
    }),
  );
  const headers: Record<string, string> = {
    [HEADERS.device]: 'bus-1',
    [HEADERS.timestamp]: String(timestamp),
    [HEADERS.nonce]: nonce,
    [HEADERS.signature]: signature,
  };
  return { method: 'POST', target: o.target ?? '/v1/events', header: (n) => headers[n], body };
}

const codeOf = (r: SignedRequest): string | undefined => {
  try {
    auth.authenticate(r);
    return undefined;
  } catch (error) {
    return (error as { code: string }).code;
  }
};

describe('request authentication', () => {
  it('accepts a signed request once, and refuses its replay', () => {
    const r = request();
    expect(codeOf(r)).toBeUndefined();
    expect(codeOf(r)).toBe('backend/replay');
  });

  it('refuses a changed body or target, a foreign key, a skewed clock and a revoked device', () => {
    const r = request();
    expect(codeOf({ ...r, body: Buffer.from('{"events":[1]}') })).toBe('backend/signature-invalid');
    expect(codeOf({ ...r, target: '/v1/device' })).toBe('backend/signature-invalid');
    expect(codeOf(request({ key: generateEd25519().privateKey }))).toBe(
      'backend/signature-invalid',
    );
    expect(codeOf(request({ timestamp: clock.now() - 6 * 60_000 }))).toBe('backend/clock-skew');
    expect(codeOf({ ...request(), header: () => undefined })).toBe('backend/unauthenticated');
    db.prepare(`UPDATE devices SET status = 'revoked'`).run();
    expect(codeOf(request())).toBe('backend/unknown-device');
    db.prepare(`UPDATE devices SET status = 'active'`).run();
  });

  it('forgets nonces after twice the window', () => {
    request();
    clock.advance(11 * 60_000);
    expect(auth.pruneNonces()).toBeGreaterThan(0);
  });
});
