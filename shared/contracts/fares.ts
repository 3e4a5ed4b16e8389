import { z } from 'zod';

/**
 * Fare tables, shaped like GTFS Fares v2 (gtfs.org "Fares (v2)": rider_categories, fare_products,
 * fare_leg_rules with rule_priority, timeframes, areas/stop_areas, networks/route_networks,
 * fare_transfer_rules) in camelCase JSON, plus the municipal rules a Japanese town adds on top:
 * discounts by rider category (resident, senior, disability) and subsidised ride allowances (a
 * number of rides per period, one per ride, as in the マイタク scheme). Distributed to validators
 * as the `fares` dataset; validated here on both ends.
 *
 * Deliberate narrowings, for a tap-on validator: a leg is known at boarding only, so rules use
 * `fromAreaId` (boarding stop's area), never `toAreaId`; timeframes name days of the week
 * instead of GTFS service_ids.
 */
const id = z.string().min(1).max(64);
const label = z.strictObject({ ja: z.string().min(1).max(64), en: z.string().min(1).max(64) });
const yen = z.int().min(0).max(100_000);
const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export const FareTableSchema = z
  .strictObject({
    version: z.string().min(1).max(64),
    currency: z.literal('JPY'),
    riderCategories: z
      .array(z.strictObject({ id, name: label, isDefault: z.boolean().optional() }))
      .min(1),
    networks: z.array(z.strictObject({ id, name: z.string().max(64) })).default([]),
    routeNetworks: z.array(z.strictObject({ routeId: id, networkId: id })).default([]),
    areas: z.array(z.strictObject({ id, name: z.string().max(64) })).default([]),
    stopAreas: z.array(z.strictObject({ stopId: id, areaId: id })).default([]),
    timeframes: z
      .array(
        z.strictObject({
          groupId: id,
          start: time,
          /** Exclusive; "00:00" means midnight at the end of the day. */
          end: time,
          days: z
            .array(z.enum(DAYS))
            .min(1)
            .default([...DAYS]),
        }),
      )
      .default([]),
    fareProducts: z
      .array(z.strictObject({ id, name: label, amount: yen, riderCategoryId: id.optional() }))
      .min(1),
    fareLegRules: z
      .array(
        z.strictObject({
          legGroupId: id.optional(),
          networkId: id.optional(),
          fromAreaId: id.optional(),
          fromTimeframeGroupId: id.optional(),
          fareProductId: id,
          /** Higher wins; among equals the first listed. Empty fields match anything. */
          rulePriority: z.int().min(0).default(0),
        }),
      )
      .min(1),
    fareTransferRules: z
      .array(
        z.strictObject({
          fromLegGroupId: id,
          toLegGroupId: id,
          /** Seconds from the first boarding to this one. */
          durationLimitSec: z.int().min(1).max(86_400),
          /** GTFS fare_transfer_type: 0 = A + AB, 1 = A + AB + B, 2 = AB. */
          fareTransferType: z.union([z.literal(0), z.literal(1), z.literal(2)]),
          /** The transfer fee (AB); none means 0 yen. */
          fareProductId: id.optional(),
        }),
      )
      .default([]),
    municipal: z
      .strictObject({
        /** A category's discount where it has no fare product of its own. */
        discounts: z
          .array(
            z.strictObject({
              riderCategoryId: id,
              kind: z.enum(['free', 'percent-off', 'fixed-fare']),
              value: z.int().min(0).max(100_000).default(0),
              label,
            }),
          )
          .default([]),
        /** What a ride taken against a subsidised allowance costs. */
        allowance: z
          .strictObject({
            kind: z.enum(['free', 'yen-off', 'fixed-fare']),
            value: z.int().min(0).max(100_000).default(0),
            label,
          })
          .optional(),
      })
      .default({ discounts: [] }),
  })
  .superRefine((t, ctx) => {
    const categories = new Set(t.riderCategories.map((c) => c.id));
    const products = new Set(t.fareProducts.map((p) => p.id));
    const timeframes = new Set(t.timeframes.map((f) => f.groupId));
    const check = (ok: boolean, path: (string | number)[], message: string): void => {
      if (!ok) ctx.addIssue({ code: 'custom', path, message });
    };
    check(
      t.riderCategories.filter((c) => c.isDefault).length === 1,
      ['riderCategories'],
      'exactly one default category',
    );
    t.fareProducts.forEach((p, i) =>
      check(
        !p.riderCategoryId || categories.has(p.riderCategoryId),
        ['fareProducts', i, 'riderCategoryId'],
        'unknown rider category',
      ),
    );
    t.fareLegRules.forEach((r, i) => {
      check(
        products.has(r.fareProductId),
        ['fareLegRules', i, 'fareProductId'],
        'unknown fare product',
      );
      check(
        !r.fromTimeframeGroupId || timeframes.has(r.fromTimeframeGroupId),
        ['fareLegRules', i, 'fromTimeframeGroupId'],
        'unknown timeframe',
      );
    });
    t.fareTransferRules.forEach((r, i) =>
      check(
        !r.fareProductId || products.has(r.fareProductId),
        ['fareTransferRules', i, 'fareProductId'],
        'unknown fare product',
      ),
    );
    t.municipal.discounts.forEach((d, i) =>
      check(
        categories.has(d.riderCategoryId),
        ['municipal', 'discounts', i, 'riderCategoryId'],
        'unknown rider category',
      ),
    );
  });

export type FareTable = z.output<typeof FareTableSchema>;
export type FareTableInput = z.input<typeof FareTableSchema>;
export const WEEK_DAYS = DAYS;
