import { describe, expect, it } from 'vitest';
import { offlineRefusal, onlineRefusal, resolveCredential } from './patrons.ts';

const open = { acceptIcCard: true, acceptMyNumberCard: true, offlineEnabled: true };
const closed = { acceptIcCard: false, acceptMyNumberCard: false, offlineEnabled: true };

describe('patron identification rules', () => {
  it('normalises each kind of card and applies the municipality’s switches', () => {
    expect(resolveCredential({ kind: 'library-card', barcode: ' l0001 ' }, open)).toEqual({
      ok: true,
      kind: 'library-card',
      id: 'L0001',
    });
    expect(resolveCredential({ kind: 'library-card', barcode: 'x' }, open)).toEqual({
      ok: false,
      reason: 'not-a-library-card',
    });
    expect(
      resolveCredential({ kind: 'ic-card', idm: '01 23 45 67 89 AB CD EF' }, open),
    ).toMatchObject({
      id: '0123456789abcdef',
    });
    expect(resolveCredential({ kind: 'ic-card', idm: '0123456789abcdef' }, closed)).toEqual({
      ok: false,
      reason: 'ic-card-not-accepted',
    });
    expect(resolveCredential({ kind: 'my-number', authSerial: '00:1A:2B' }, open)).toMatchObject({
      kind: 'jpki-auth-serial',
      id: '1a2b',
    });
    expect(resolveCredential({ kind: 'my-number', authSerial: '1A2B' }, closed)).toEqual({
      ok: false,
      reason: 'my-number-not-accepted',
    });
  });

  it('reads the library system’s patron status flags', () => {
    const s = (flags: string[], valid = true) =>
      onlineRefusal({ valid, flags: new Set(flags) as never, charged: 0, chargedLimit: undefined });
    expect(s([])).toBeUndefined();
    expect(s([], false)).toBe('unknown-patron');
    expect(s(['chargePrivilegesDenied', 'excessiveOutstandingFines'])).toBe('blocked-fines');
    expect(s(['chargePrivilegesDenied', 'cardReportedLost'])).toBe('blocked-card-lost');
    expect(s(['chargePrivilegesDenied'])).toBe('blocked');
    expect(s(['holdPrivilegesDenied'])).toBeUndefined();
  });

  it('offline, the cache decides: blocks and expiry refuse', () => {
    expect(offlineRefusal({ patronId: 'L1', status: 'active' }, '2026-11-22')).toBeUndefined();
    expect(
      offlineRefusal({ patronId: 'L1', status: 'blocked', block: 'fines' }, '2026-11-22'),
    ).toBe('blocked-fines');
    expect(offlineRefusal({ patronId: 'L1', status: 'blocked' }, '2026-11-22')).toBe('blocked');
    expect(
      offlineRefusal({ patronId: 'L1', status: 'active', validTo: '2026-11-21' }, '2026-11-22'),
    ).toBe('card-expired');
  });
});
