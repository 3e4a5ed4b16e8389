/**
 * The `ride.validated` event a bus validator writes for every accepted tap. The backend counts
 * subsidised rides per token and period across all vehicles (reconciliation) and sends the
 * counts back as the `ride-usage` dataset. Only the keyed token hash travels, never the IDm.
 */
import { z } from 'zod';
import { PeriodKeySchema, RiderCategorySchema, TokenHashSchema } from './datasets.ts';

export const RIDE_EVENT_TYPE = 'ride.validated';

export const RidePayloadSchema = z.strictObject({
  tokenHash: TokenHashSchema,
  /** periodKey(entitlement.period, tap time): which allowance the ride counts against. */
  periodKey: PeriodKeySchema,
  /** True when the ride used one of the rider's subsidised rides. */
  subsidised: z.boolean(),
  riderCategory: RiderCategorySchema,
  fareYen: z.int().min(0).max(100_000),
  routeId: z.string().max(64).optional(),
  stopId: z.string().max(64).optional(),
  /**
   * Why staff may want to look at this ride: `stale-data` (decided on entitlement data older than
   * the configured age), `offline-limit` (the rider's allowance was held back by the offline
   * overrun bound), `see-driver` (the rider was sent to the driver: denied card, data error).
   */
  flags: z
    .array(z.enum(['stale-data', 'offline-limit', 'see-driver']))
    .max(3)
    .optional(),
});
export type RidePayload = z.output<typeof RidePayloadSchema>;

/**
 * A tap that is no ride of an identified rider, so nothing is lost that happened at the door:
 * `ride.unidentified` — a card with no usable identifier, charged the standard fare;
 * `ride.refused` — the rider was sent to the driver with no fare (no fare rule, no fare table,
 * a tap that could not be recorded as a ride). `reason` is the decision's reason code.
 */
export const UNIDENTIFIED_RIDE_EVENT_TYPE = 'ride.unidentified';
export const REFUSED_RIDE_EVENT_TYPE = 'ride.refused';

export const TapEventPayloadSchema = z.strictObject({
  reason: z.string().min(1).max(64),
  /** Present when a fare was charged. */
  fareYen: z.int().min(0).max(100_000).optional(),
  /** Present when the card was identified (keyed hash only). */
  tokenHash: TokenHashSchema.optional(),
  routeId: z.string().max(64).optional(),
  stopId: z.string().max(64).optional(),
});
export type TapEventPayload = z.output<typeof TapEventPayloadSchema>;
