import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../shared/bytes.ts';
import { ReaderError } from '../errors.ts';
import { loadFelicaProfile } from './felica-profile.ts';

const raw = JSON.parse(
  readFileSync(new URL('./profiles/felica-default.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

function issuesOf(json: unknown): { path: string; code: string }[] {
  try {
    loadFelicaProfile(json);
  } catch (error) {
    expect(error).toBeInstanceOf(ReaderError);
    expect((error as ReaderError).code).toBe('reader/profile-invalid');
    return (error as ReaderError).details['issues'] as { path: string; code: string }[];
  }
  throw new Error('expected the profile to be refused');
}

describe('loadFelicaProfile', () => {
  it('loads the default profile: five entries, the balance of the newest', () => {
    const p = loadFelicaProfile(raw);
    expect(toHex(p.idm)).toBe('012e4cd8a1b2c3d4');
    expect(toHex(p.pmm)).toBe('100b4b428485d0ff');
    expect(p.history).toHaveLength(5);
    expect(p.history.map((h) => [h.deviceType, h.usageType])).toEqual([
      [0x05, 0x0d],
      [0x05, 0x0d],
      [0xc7, 0x46],
      [0x07, 0x02],
      [0x16, 0x01],
    ]);
    expect(p.balance).toBe(1520);
    // Each older entry's balance plus what happened since leads to the newer one.
    expect(p.history.map((h) => h.balance)).toEqual([1520, 1740, 1960, 2300, 300]);
    expect(p.gate).toEqual([]);
  });

  it('refuses bad profiles, naming paths and never values', () => {
    const secretIdm = 'ZZ2E4CD8A1B2C3D4';
    const bad = issuesOf({ ...raw, idm: secretIdm });
    expect(bad).toEqual([{ path: 'idm', code: 'invalid_format' }]);
    let message = '';
    try {
      loadFelicaProfile({ ...raw, idm: secretIdm });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('idm');
    expect(message).not.toContain(secretIdm);

    expect(issuesOf({ ...raw, balance: 999 })).toEqual([{ path: 'balance', code: 'custom' }]);
    const history = raw['history'] as Record<string, unknown>[];
    expect(
      issuesOf({ ...raw, history: [{ ...history[0], date: '2026-02-30' }, ...history.slice(1)] }),
    ).toEqual([{ path: 'history.0.date', code: 'custom' }]);
    expect(
      issuesOf({ ...raw, history: Array.from({ length: 21 }, () => history[0]) })[0]?.path,
    ).toBe('history');
    expect(issuesOf({ ...raw, extra: 1 })[0]?.code).toBe('unrecognized_keys');
    expect(issuesOf(null)[0]?.path).toBe('(root)');
  });
});
