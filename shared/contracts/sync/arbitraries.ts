/**
 * fast-check arbitraries for the sync wire types, shared by the contract tests here and the
 * store and backend tests. Test-only, but pure and dependency-free apart from fast-check.
 */
import fc from 'fast-check';
import type { WireEvent } from './events.ts';
import type { EntitlementRow, Manifest } from './datasets.ts';
import { ALLOWANCE_PERIODS, DATASET_NAMES } from './datasets.ts';

export const hexString = (length: number): fc.Arbitrary<string> =>
  fc
    .uint8Array({ minLength: Math.ceil(length / 2), maxLength: Math.ceil(length / 2) })
    .map((b) => Buffer.from(b).toString('hex').slice(0, length));

export const isoDate: fc.Arbitrary<string> = fc
  .date({
    min: new Date('2000-01-01T00:00:00Z'),
    max: new Date('2099-12-31T00:00:00Z'),
    noInvalidDate: true,
  })
  .map((d) => d.toISOString().slice(0, 10));

export const wireEvent: fc.Arbitrary<WireEvent> = fc.record({
  eventId: fc.uuid({ version: 7 }),
  deviceSeq: fc.integer({ min: 1, max: 1_000_000_000 }),
  type: fc.constantFrom('ride.validated', 'checkout.stored', 'device.started', 'audit.entry'),
  payload: fc.dictionary(
    fc.constantFrom('fareYen', 'route', 'stop', 'periodKey', 'items', 'tokenHash'),
    fc.oneof(fc.integer(), fc.string({ maxLength: 20 }), fc.boolean()),
  ),
  createdAt: fc.integer({ min: 0, max: 4_102_444_800_000 }),
});

export const entitlementRow: fc.Arbitrary<EntitlementRow> = fc
  .record({
    tokenHash: hexString(64),
    riderCategory: fc.constantFrom('senior', 'disability', 'child', 'resident'),
    a: isoDate,
    b: isoDate,
    ridesPerPeriod: fc.option(fc.integer({ min: 0, max: 200 }), { nil: null }),
    period: fc.constantFrom(...ALLOWANCE_PERIODS),
  })
  .map(({ a, b, ...rest }) => ({ ...rest, validFrom: a < b ? a : b, validTo: a < b ? b : a }));

export const manifest: fc.Arbitrary<Manifest> = fc
  .record({
    dataset: fc.constantFrom(...DATASET_NAMES),
    delta: fc.boolean(),
    version: fc.integer({ min: 2, max: 1_000_000 }),
    createdAt: fc.integer({ min: 0, max: 4_102_444_800_000 }),
    rows: fc.nat(),
    bytes: fc.nat(),
    sha256: hexString(64),
    keyId: hexString(16),
  })
  .map(({ delta, ...m }) =>
    delta
      ? { ...m, kind: 'delta' as const, baseVersion: m.version - 1 }
      : { ...m, kind: 'snapshot' as const },
  );
