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
});
export type RidePayload = z.output<typeof RidePayloadSchema>;
