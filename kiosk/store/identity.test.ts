import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { publicKeyFromBase64, verifyText } from '../crypto.ts';
import { DEVICE_KEY_FILE, loadOrCreateIdentity } from './identity.ts';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'kazasu-id-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('device identity', () => {
  it('makes an Ed25519 key at first start, mode 0600, and loads the same key after', () => {
    const dir = tempDir();
    const first = loadOrCreateIdentity(dir, 'bus-0042');
    expect(statSync(join(dir, DEVICE_KEY_FILE)).mode & 0o777).toBe(0o600);
    const again = loadOrCreateIdentity(dir, 'bus-0042');
    expect(again.publicKey).toBe(first.publicKey);
    expect(first.keyId).toMatch(/^[0-9a-f]{16}$/);
    const key = publicKeyFromBase64(first.publicKey);
    expect(key && verifyText(key, 'hello', again.sign('hello'))).toBe(true);
  });

  it('refuses a key file others can read, and one that is not a key', () => {
    const dir = tempDir();
    loadOrCreateIdentity(dir, 'bus-0042');
    chmodSync(join(dir, DEVICE_KEY_FILE), 0o644);
    expect(() => loadOrCreateIdentity(dir, 'bus-0042')).toThrow(
      expect.objectContaining({ code: 'store/key-permissions' }),
    );
    writeFileSync(join(dir, DEVICE_KEY_FILE), 'not a key', { mode: 0o600 });
    chmodSync(join(dir, DEVICE_KEY_FILE), 0o600);
    expect(() => loadOrCreateIdentity(dir, 'bus-0042')).toThrow(
      expect.objectContaining({ code: 'store/key-invalid' }),
    );
  });
});
