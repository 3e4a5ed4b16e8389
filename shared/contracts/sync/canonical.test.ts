import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, manifestSigningString, requestSigningString } from './canonical.ts';

const shuffleKeys = (v: unknown, seed: number): unknown => {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => shuffleKeys(x, seed));
  const entries = Object.entries(v as Record<string, unknown>);
  const rotated = entries.length
    ? [...entries.slice(seed % entries.length), ...entries.slice(0, seed % entries.length)]
    : entries;
  return Object.fromEntries(rotated.reverse().map(([k, x]) => [k, shuffleKeys(x, seed + 1)]));
};

describe('canonicalJson', () => {
  it('sorts keys and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: { z: 0, y: -1 } })).toBe(
      '{"a":[true,null,"x"],"b":1,"c":{"y":-1,"z":0}}',
    );
  });

  it('refuses non-JSON values', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson(() => 1)).toThrow(TypeError);
    expect(() => canonicalJson(10n)).toThrow(TypeError);
  });

  it('round-trips through JSON.parse and ignores key order (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), (v, seed) => {
        const text = canonicalJson(v);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(v)));
        expect(canonicalJson(shuffleKeys(v, seed))).toBe(text);
      }),
    );
  });
});

describe('signing strings', () => {
  it('binds method, target, device, time, nonce and body digest, one a line', () => {
    const s = requestSigningString({
      method: 'post',
      target: '/v1/events',
      deviceId: 'bus-0042',
      timestamp: 1_700_000_000_000,
      nonce: '00'.repeat(16),
      bodySha256: 'ab'.repeat(32),
    });
    expect(s.split('\n')).toEqual([
      'KAZASU-REQUEST-V1',
      'POST',
      '/v1/events',
      'bus-0042',
      '1700000000000',
      '00'.repeat(16),
      'ab'.repeat(32),
    ]);
  });

  it('tags manifests differently from requests', () => {
    expect(manifestSigningString({ version: 1 })).toBe('KAZASU-DATASET-V1\n{"version":1}');
  });
});
