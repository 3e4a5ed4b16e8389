import { describe, expect, it } from 'vitest';
import { FareTableSchema } from '../../shared/contracts/fares.ts';
import type { TokenStatus } from '../store/lookups.ts';
import { decideTap, type TapInput, type ValidatorPolicy } from './decide.ts';
import demo from './demo-fares.json' with { type: 'json' };
import { FareEngine } from './fare-engine.ts';
import { presentDecision } from './present.ts';

const fares = new FareEngine(FareTableSchema.parse(demo));
const AT = Date.parse('2026-11-24T08:00:00+09:00');
const HASH = 'ab'.repeat(32);
const policy: ValidatorPolicy = {
  routeId: 'R1',
  stopId: 'S101',
  duplicateWindowMs: 120_000,
  maxDataAgeMs: 72 * 3_600_000,
  stalePolicy: 'accept-and-flag',
  overrunBound: 2,
};
const entitled = (category: string, over: Partial<TokenStatus> = {}): TokenStatus => ({
  entitlement: {
    riderCategory: category,
    validFrom: '2026-04-01',
    validTo: '2027-03-31',
    ridesPerPeriod: null,
    period: 'month',
  },
  valid: true,
  denied: undefined,
  allowance: undefined,
  ...over,
});
const input = (over: Partial<TapInput> = {}): TapInput => ({
  at: AT,
  identity: { kind: 'felica', tokenHash: HASH },
  status: entitled('senior'),
  dataAgeMs: 3_600_000,
  fares,
  policy,
  ...over,
});

describe('decideTap', () => {
  it('a senior is accepted at the senior fare, and the ride is recorded with the keyed hash only', () => {
    const d = decideTap(input());
    expect(d).toMatchObject({
      outcome: 'accepted',
      fareYen: 100,
      discountYen: 100,
      category: { id: 'senior', ja: 'シニア割引' },
    });
    expect(d.ride).toEqual({
      tokenHash: HASH,
      periodKey: '2026-11',
      subsidised: false,
      riderCategory: 'senior',
      fareYen: 100,
      routeId: 'R1',
      stopId: 'S101',
    });
    expect(presentDecision(d)).toMatchObject({
      lines: ['シニア割引 100円', 'シニア割引'],
      led: 'green',
      beep: 'accept',
    });
  });

  it('a second tap within the window is already validated: no second charge, no ride', () => {
    const d = decideTap(
      input({
        lastTap: {
          at: AT - 60_000,
          leg: { at: AT - 60_000, legGroupId: 'community', paidYen: 100 },
        },
      }),
    );
    expect(d).toMatchObject({ outcome: 'already-validated', fareYen: undefined, ride: undefined });
    expect(
      decideTap(
        input({
          lastTap: {
            at: AT - 200_000,
            leg: { at: AT - 200_000, legGroupId: 'community', paidYen: 100 },
          },
        }),
      ).outcome,
    ).toBe('accepted');
  });

  it('an unknown card pays the standard fare with a reason, and records no token', () => {
    const d = decideTap(input({ identity: { kind: 'unknown' }, status: undefined }));
    expect(d).toMatchObject({
      outcome: 'accepted',
      fareYen: 200,
      reason: { code: 'unknown-card' },
      ride: undefined,
    });
    expect(presentDecision(d).led).toBe('amber');
  });

  it('a card pulled mid-read: tap again, nothing charged', () => {
    expect(
      decideTap(input({ identity: { kind: 'unreadable', code: 'reader/card-removed' } })),
    ).toMatchObject({ outcome: 'tap-again', fareYen: undefined, ride: undefined });
  });

  it('a denied card: see the driver, standard fare, ride recorded', () => {
    const d = decideTap(
      input({ status: entitled('senior', { denied: { reason: 'lost', since: '2026-11-01' } }) }),
    );
    expect(d).toMatchObject({ outcome: 'see-driver', fareYen: 200, reason: { code: 'denied' } });
    expect(d.ride).toMatchObject({ riderCategory: 'adult', fareYen: 200 });
    expect(presentDecision(d)).toMatchObject({ led: 'red', beep: 'refuse' });
  });

  it('no entitlement, or one not valid today: standard fare with the reason', () => {
    expect(
      decideTap(
        input({
          status: { entitlement: undefined, valid: false, denied: undefined, allowance: undefined },
        }),
      ),
    ).toMatchObject({
      fareYen: 200,
      reason: { code: 'no-entitlement' },
    });
    expect(decideTap(input({ status: entitled('senior', { valid: false }) }))).toMatchObject({
      fareYen: 200,
      reason: { code: 'entitlement-not-valid' },
    });
  });

  it('stale data: accept and flag, or the standard fare, by policy', () => {
    const old = 100 * 3_600_000;
    expect(decideTap(input({ dataAgeMs: old }))).toMatchObject({ fareYen: 100, staleData: true });
    expect(decideTap(input({ dataAgeMs: undefined }))).toMatchObject({ staleData: true });
    expect(
      decideTap(input({ dataAgeMs: old, policy: { ...policy, stalePolicy: 'full-fare' } })),
    ).toMatchObject({ fareYen: 200, reason: { code: 'data-stale-full-fare' } });
    expect(presentDecision(decideTap(input({ dataAgeMs: old }))).lines[1]).toContain(
      'データ更新待ち',
    );
  });

  it('allowance: a subsidised ride, and the offline overrun bound', () => {
    const allowance = (remaining: number, usedHereSince: number): TokenStatus =>
      entitled('mytaku', {
        entitlement: {
          riderCategory: 'mytaku',
          validFrom: '2026-04-01',
          validTo: '2027-03-31',
          ridesPerPeriod: 4,
          period: 'month',
        },
        allowance: {
          periodKey: '2026-11',
          ridesPerPeriod: 4,
          usedReconciled: 4 - remaining - usedHereSince,
          usedHereSince,
          remaining,
        },
      });
    const d = decideTap(input({ status: allowance(3, 0) }));
    expect(d).toMatchObject({
      fareYen: 0,
      subsidised: true,
      allowanceLeft: 2,
      ride: { subsidised: true, periodKey: '2026-11' },
    });
    expect(presentDecision(d).lines[1]).toBe('助成乗車 残り2回');
    const limited = decideTap(input({ status: allowance(2, 2) }));
    expect(limited).toMatchObject({
      fareYen: 200,
      subsidised: false,
      reason: { code: 'allowance-offline-limit' },
    });
  });

  it('a lookup that failed (corrupt row): see the driver at the standard fare, ride still recorded', () => {
    const d = decideTap(input({ status: undefined, lookupFailed: true }));
    expect(d).toMatchObject({
      outcome: 'see-driver',
      fareYen: 200,
      reason: { code: 'data-error' },
    });
    expect(d.ride).toBeDefined();
  });

  it('no fare table, or no rule for the route: see the driver', () => {
    expect(decideTap(input({ fares: undefined }))).toMatchObject({
      outcome: 'see-driver',
      reason: { code: 'fares-missing' },
    });
    expect(decideTap(input({ policy: { ...policy, routeId: 'NOPE' } }))).toMatchObject({
      outcome: 'see-driver',
      reason: { code: 'no-fare-rule' },
    });
  });

  it('transfers: a second leg within the window after the duplicate window is free', () => {
    const d = decideTap(
      input({
        status: entitled('adult'),
        lastTap: {
          at: AT - 30 * 60_000,
          leg: { at: AT - 30 * 60_000, legGroupId: 'community', paidYen: 200 },
        },
      }),
    );
    expect(d).toMatchObject({ outcome: 'accepted', fareYen: 0, reason: { code: 'transfer' } });
  });
});
