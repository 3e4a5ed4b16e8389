import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { hasErrorCode } from '../../shared/errors.ts';
import { loadConfig, parseConfig, readFleetKey } from './load.ts';

const dir = mkdtempSync(join(tmpdir(), 'kazasu-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KEY = Buffer.alloc(32, 9).toString('base64');
const good = {
  deviceId: 'bus-0042',
  role: 'validator',
  dataDir: 'data',
  backend: { url: 'http://127.0.0.1:8080', publicKeys: [KEY] },
  fleetKeyFile: 'fleet.key',
};

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return hasErrorCode(
      error,
      'config/not-found',
      'config/invalid-json',
      'config/invalid',
      'config/fleet-key',
      'config/unreadable',
    )
      ? error.code
      : 'other';
  }
}

describe('device config', () => {
  it('fills defaults and resolves paths against the config file', () => {
    const c = parseConfig(JSON.stringify(good), '/etc/kazasu/device.json');
    expect(c.dataDir).toBe('/etc/kazasu/data');
    expect(c.fleetKeyFile).toBe('/etc/kazasu/fleet.key');
    expect(c.sync).toEqual({ intervalSeconds: 60, batchSize: 500, retentionDays: 30, attempts: 5 });
    expect(c.backend.timeoutMs).toBe(15_000);
  });

  it.each([
    ['a missing device id', { ...good, deviceId: undefined }],
    ['an unknown role', { ...good, role: 'kiosk' }],
    ['a key that is not 32 bytes', { ...good, backend: { ...good.backend, publicKeys: ['AAAA'] } }],
    ['no pinned key', { ...good, backend: { ...good.backend, publicKeys: [] } }],
    ['a non-http URL', { ...good, backend: { ...good.backend, url: 'ftp://x' } }],
    ['a validator without a fleet key', { ...good, fleetKeyFile: undefined }],
    ['an unknown field', { ...good, colour: 'blue' }],
    ['a batch size above the protocol limit', { ...good, sync: { batchSize: 5000 } }],
  ])('refuses %s as config/invalid, naming the field', (_what, config) => {
    expect(code(() => parseConfig(JSON.stringify(config), 'device.json'))).toBe('config/invalid');
  });

  it('refuses any non-object JSON and any text that is not JSON (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (text) => {
          expect(['config/invalid', 'config/invalid-json']).toContain(
            code(() => parseConfig(text, 'x.json')),
          );
        },
      ),
    );
  });

  it('does not echo values in its messages', () => {
    try {
      parseConfig(JSON.stringify({ ...good, deviceId: 'Secret Value' }), 'device.json');
    } catch (error) {
      expect(String(error)).not.toContain('Secret Value');
    }
  });

  it('reports a missing file and a bad fleet key by code', () => {
    expect(code(() => loadConfig(join(dir, 'nope.json')))).toBe('config/not-found');
    writeFileSync(join(dir, 'device.json'), JSON.stringify(good));
    writeFileSync(join(dir, 'fleet.key'), 'abcd');
    const c = loadConfig(join(dir, 'device.json'));
    expect(code(() => readFleetKey(c))).toBe('config/fleet-key');
    writeFileSync(join(dir, 'fleet.key'), 'ab'.repeat(32));
    expect(readFleetKey(c)).toHaveLength(32);
  });
});
