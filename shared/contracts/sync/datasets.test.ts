import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entitlementRow, manifest } from './arbitraries.ts';
import {
  deltaOpSchema,
  EntitlementRowSchema,
  ManifestSchema,
  rowKey,
  RideUsageRowSchema,
  SignedManifestSchema,
  UpdatesResponseSchema,
} from './datasets.ts';
import { parseWire } from './wire.ts';

describe('dataset contract', () => {
  it('entitlement rows round-trip and are keyed by token hash (property)', () => {
    fc.assert(
      fc.property(entitlementRow, (row) => {
        const r = parseWire(EntitlementRowSchema, JSON.parse(JSON.stringify(row)));
        expect(r).toEqual({ ok: true, value: row });
        expect(rowKey('entitlements', row)).toBe(row.tokenHash);
      }),
    );
  });

  it('refuses impossible dates, inverted validity and upper-case hashes', () => {
    const base = {
      tokenHash: 'a'.repeat(64),
      riderCategory: 'senior',
      validFrom: '2026-04-01',
      validTo: '2027-03-31',
      ridesPerPeriod: 20,
      period: 'month',
    };
    expect(parseWire(EntitlementRowSchema, base).ok).toBe(true);
    expect(parseWire(EntitlementRowSchema, { ...base, validTo: '2026-02-30' }).ok).toBe(false);
    expect(parseWire(EntitlementRowSchema, { ...base, validTo: '2026-03-31' }).ok).toBe(false);
    expect(parseWire(EntitlementRowSchema, { ...base, tokenHash: 'A'.repeat(64) }).ok).toBe(false);
    expect(parseWire(EntitlementRowSchema, { ...base, name: 'x' }).ok).toBe(false);
  });

  it('manifests round-trip; a delta needs a lower base and a snapshot none (property)', () => {
    fc.assert(
      fc.property(manifest, (m) => {
        expect(parseWire(ManifestSchema, JSON.parse(JSON.stringify(m))).ok).toBe(true);
        if (m.kind === 'delta') {
          const { baseVersion: _b, ...noBase } = m;
          expect(parseWire(ManifestSchema, noBase).ok).toBe(false);
          expect(parseWire(ManifestSchema, { ...m, baseVersion: m.version }).ok).toBe(false);
        } else {
          expect(parseWire(ManifestSchema, { ...m, baseVersion: 1 }).ok).toBe(false);
        }
      }),
    );
  });

  it('never throws on arbitrary input (property)', () => {
    const op = deltaOpSchema(EntitlementRowSchema);
    fc.assert(
      fc.property(fc.anything(), (v) => {
        expect(parseWire(UpdatesResponseSchema, v).ok).toBe(false);
        expect(parseWire(SignedManifestSchema, v).ok).toBe(false);
        parseWire(op, v);
        parseWire(RideUsageRowSchema, v);
      }),
    );
  });

  it('delta lines are puts of a row or deletes of a key', () => {
    const op = deltaOpSchema(EntitlementRowSchema);
    expect(parseWire(op, { op: 'del', key: 'a'.repeat(64) }).ok).toBe(true);
    expect(parseWire(op, { op: 'put', row: { tokenHash: 'a' } }).ok).toBe(false);
    expect(parseWire(op, { op: 'upsert', key: 'x' }).ok).toBe(false);
  });

  it('ride usage rows key counts by token and period, cursors by device', () => {
    expect(
      rowKey('ride-usage', {
        kind: 'count',
        tokenHash: 'b'.repeat(64),
        periodKey: '2026-11',
        used: 3,
      }),
    ).toBe(`count/${'b'.repeat(64)}/2026-11`);
    expect(rowKey('ride-usage', { kind: 'cursor', deviceId: 'bus-0042', throughSeq: 9 })).toBe(
      'cursor/bus-0042',
    );
  });
});
