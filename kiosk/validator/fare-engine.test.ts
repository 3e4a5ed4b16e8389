import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FareTableSchema, type FareTable } from '../../shared/contracts/fares.ts';
import demo from './demo-fares.json' with { type: 'json' };
import { FareEngine, roundUpTo10 } from './fare-engine.ts';

const table: FareTable = FareTableSchema.parse(demo);
const engine = new FareEngine(table);
// 2026-11-24 is a Tuesday. JST = UTC+9.
const at = (hhmm: string, date = '2026-11-24'): number => Date.parse(`${date}T${hhmm}:00+09:00`);
const leg = (time: string, routeId = 'R1', stopId = 'S101', date?: string) => ({
  at: at(time, date),
  routeId,
  stopId,
});

describe('FareEngine', () => {
  it('the default category pays the standard fare', () => {
    const r = engine.price({ leg: leg('08:00'), category: undefined });
    expect(r).toMatchObject({
      ok: true,
      fareYen: 200,
      baseFareYen: 200,
      discountYen: 0,
      categoryId: 'adult',
      reason: { code: 'standard-fare' },
    });
  });

  it('a category with its own product pays it', () => {
    expect(engine.price({ leg: leg('08:00'), category: 'senior' })).toMatchObject({
      fareYen: 100,
      discountYen: 100,
      reason: { code: 'category-fare', ja: 'シニア割引' },
    });
    expect(engine.price({ leg: leg('08:00'), category: 'child' })).toMatchObject({ fareYen: 100 });
  });

  it('municipal discounts apply where the category has no product: 30% off rounds up to 10 yen; disability is free', () => {
    expect(engine.price({ leg: leg('08:00'), category: 'resident' })).toMatchObject({
      fareYen: 140,
      reason: { code: 'category-discount', ja: '市民割引' },
    });
    expect(engine.price({ leg: leg('08:00'), category: 'disability' })).toMatchObject({
      fareYen: 0,
      discountYen: 200,
    });
  });

  it('rule priority: boarding in the centre area beats the plain network rule', () => {
    expect(engine.price({ leg: leg('08:00', 'R1', 'S001'), category: undefined })).toMatchObject({
      fareYen: 150,
      productId: 'community-center',
    });
  });

  it('timeframes: off-peak weekdays make seniors free, not at weekends or at peak', () => {
    expect(engine.price({ leg: leg('11:00'), category: 'senior' })).toMatchObject({
      fareYen: 0,
      productId: 'offpeak-senior',
    });
    expect(engine.price({ leg: leg('11:00'), category: undefined })).toMatchObject({
      fareYen: 200,
    });
    expect(engine.price({ leg: leg('15:00'), category: 'senior' })).toMatchObject({ fareYen: 100 }); // end is exclusive
    expect(
      engine.price({ leg: leg('11:00', 'R1', 'S101', '2026-11-22'), category: 'senior' }),
    ).toMatchObject({ fareYen: 100 }); // Sunday
  });

  it('networks: the express has its own fares', () => {
    expect(engine.price({ leg: leg('08:00', 'X1'), category: 'senior' })).toMatchObject({
      fareYen: 150,
      baseFareYen: 300,
    });
  });

  it('a transfer within the window is free (type 0, no transfer product); after it, full fare', () => {
    const previous = { at: at('08:00'), legGroupId: 'community', paidYen: 200 };
    expect(engine.price({ leg: leg('08:40', 'R2'), category: undefined, previous })).toMatchObject({
      fareYen: 0,
      transfer: true,
      reason: { code: 'transfer' },
    });
    expect(engine.price({ leg: leg('09:01', 'R2'), category: undefined, previous })).toMatchObject({
      fareYen: 200,
      transfer: false,
    });
    expect(engine.price({ leg: leg('08:40', 'X1'), category: undefined, previous })).toMatchObject({
      fareYen: 300,
    }); // no rule community→express
  });

  it('allowance: a subsidised ride is free and counts down; when used up, the category fare applies', () => {
    expect(
      engine.price({ leg: leg('08:00'), category: 'mytaku', allowanceRemaining: 3 }),
    ).toMatchObject({
      fareYen: 0,
      subsidised: true,
      allowanceLeft: 2,
      reason: { code: 'allowance-used' },
    });
    expect(
      engine.price({ leg: leg('08:00'), category: 'mytaku', allowanceRemaining: 0 }),
    ).toMatchObject({
      fareYen: 200,
      subsidised: false,
      allowanceLeft: 0,
      reason: { code: 'allowance-exhausted' },
    });
  });

  it('a free ride (transfer, off-peak senior) does not use an allowance ride', () => {
    expect(
      engine.price({ leg: leg('11:00'), category: 'senior', allowanceRemaining: 2 }),
    ).toMatchObject({ fareYen: 0, subsidised: false, allowanceLeft: 2 });
  });

  it('no rule for the route is a refusal with a reason, never a guess', () => {
    expect(engine.price({ leg: leg('08:00', 'NOPE'), category: undefined })).toEqual({
      ok: false,
      reason: {
        code: 'no-fare-rule',
        ja: '運賃が設定されていません',
        en: 'No fare is set for this ride',
      },
    });
  });

  it('rounds fractions up to 10 yen', () => {
    expect([roundUpTo10(140), roundUpTo10(141), roundUpTo10(149.9), roundUpTo10(0)]).toEqual([
      140, 150, 150, 0,
    ]);
  });

  it('property: fares are never negative nor above the base, and allowance never grows', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...table.riderCategories.map((c) => c.id), 'unknown'),
        fc.integer({ min: Date.parse('2026-01-01'), max: Date.parse('2027-01-01') }),
        fc.constantFrom('R1', 'R2', 'X1'),
        fc.constantFrom('S001', 'S101', undefined),
        fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
        (category, t, routeId, stopId, remaining) => {
          const r = engine.price({
            leg: { at: t, routeId, stopId },
            category,
            allowanceRemaining: remaining,
          });
          expect(r.ok).toBe(true);
          if (!r.ok) return;
          expect(r.fareYen).toBeGreaterThanOrEqual(0);
          expect(r.fareYen).toBeLessThanOrEqual(Math.max(r.baseFareYen, 300));
          if (remaining !== undefined) expect(r.allowanceLeft).toBeLessThanOrEqual(remaining);
        },
      ),
    );
  });
});

describe('FareTableSchema', () => {
  it('refuses tables with dangling references or two default categories, naming the path', () => {
    const broken = structuredClone<typeof demo>(demo);
    broken.fareLegRules[0]!.fareProductId = 'missing';
    broken.riderCategories[1] = { ...broken.riderCategories[1]!, isDefault: true };
    const r = FareTableSchema.safeParse(broken);
    expect(r.success).toBe(false);
    const paths = r.error?.issues.map((i) => i.path.join('.'));
    expect(paths).toContain('fareLegRules.0.fareProductId');
    expect(paths).toContain('riderCategories');
  });

  it('property: arbitrary JSON is refused or accepted, never thrown on', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(() => FareTableSchema.safeParse(v)).not.toThrow();
      }),
    );
  });
});
