import { describe, expect, it } from 'vitest';
import { DeviceConfigSchema } from './device.ts';

const base = {
  deviceId: 'counter-3f-01',
  role: 'counter',
  dataDir: '/var/lib/kazasu',
  backend: { url: 'http://10.0.0.5:8080', publicKeys: [Buffer.alloc(32, 1).toString('base64')] },
};

describe('counter config', () => {
  it('is optional: configs without it still load', () => {
    expect(DeviceConfigSchema.parse(base).counter).toBeUndefined();
  });

  it('needs only the municipality code; the rest has defaults', () => {
    expect(
      DeviceConfigSchema.parse({ ...base, counter: { municipalityCode: '012084' } }).counter,
    ).toEqual({
      municipalityCode: '012084',
      faceMatchThreshold: 0.8,
      faceAttempts: 3,
      idleTimeoutSeconds: 180,
      printerQueue: 'Kazasu-PDF',
      maxPersons: 8,
      lookupTimeoutMs: 3000,
    });
  });

  it('refuses a bad value naming its field', () => {
    for (const [field, value] of [
      ['municipalityCode', '12084'],
      ['faceMatchThreshold', 1.5],
      ['faceAttempts', 0],
      ['printerQueue', 'a queue; rm -rf'],
      ['idleTimeoutSeconds', 1],
    ] as const) {
      const r = DeviceConfigSchema.safeParse({
        ...base,
        counter: { municipalityCode: '012084', [field]: value },
      });
      expect(r.success).toBe(false);
      expect(r.error?.issues[0]?.path).toEqual(['counter', field]);
    }
  });
});
