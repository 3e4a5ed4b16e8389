import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entitlementRow, hexString, isoDate } from './arbitraries.ts';
import { DenyRowSchema, EntitlementRowSchema } from './datasets.ts';
import { fastDenyRow, fastEntitlementRow } from './fast-rows.ts';

const mutate = (
  row: Record<string, unknown>,
  key: string,
  value: unknown,
): Record<string, unknown> => ({ ...row, [key]: value });
const odd = fc.oneof(
  fc.anything(),
  fc.string(),
  fc.integer({ min: -5, max: 200_000 }),
  fc.double(),
  hexString(64),
  isoDate,
  fc.constant(null),
);

describe('fast row acceptance', () => {
  it('accepts good entitlement rows', () => {
    fc.assert(
      fc.property(entitlementRow, (row) => {
        expect(fastEntitlementRow(JSON.parse(JSON.stringify(row)))).toEqual(row);
      }),
    );
  });

  it('never accepts an entitlement row the schema refuses (property)', () => {
    const keys = [
      'tokenHash',
      'riderCategory',
      'validFrom',
      'validTo',
      'ridesPerPeriod',
      'period',
      'extra',
    ];
    fc.assert(
      fc.property(entitlementRow, fc.constantFrom(...keys), odd, (row, key, value) => {
        const candidate = mutate(row, key, value);
        if (fastEntitlementRow(candidate) !== undefined)
          expect(EntitlementRowSchema.safeParse(candidate).success).toBe(true);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.anything(), (v) => {
        expect(
          fastEntitlementRow(v) === undefined || EntitlementRowSchema.safeParse(v).success,
        ).toBe(true);
      }),
    );
  });

  it('never accepts a deny row the schema refuses (property)', () => {
    const good = fc.record({
      tokenHash: hexString(64),
      reason: fc.constantFrom('lost', 'stolen'),
      since: isoDate,
    });
    fc.assert(
      fc.property(
        good,
        fc.constantFrom('tokenHash', 'reason', 'since', 'extra'),
        odd,
        (row, key, value) => {
          expect(fastDenyRow(row)).toEqual(row);
          const candidate = mutate(row, key, value);
          if (fastDenyRow(candidate) !== undefined)
            expect(DenyRowSchema.safeParse(candidate).success).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('fast date check', () => {
  it('agrees with parseIsoDate wherever it accepts (property)', async () => {
    const { parseIsoDate } = await import('../../dates.ts');
    const text = fc.tuple(
      fc.integer({ min: 1800, max: 2300 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
    );
    fc.assert(
      fc.property(text, ([y, m, d]) => {
        const s = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
        const row = { tokenHash: 'a'.repeat(64), reason: 'lost', since: s };
        if (fastDenyRow(row) !== undefined) expect(parseIsoDate(s)).toBeDefined();
        if (y >= 1900 && y <= 2199 && parseIsoDate(s)) expect(fastDenyRow(row)).toBeDefined();
      }),
    );
  });
});
