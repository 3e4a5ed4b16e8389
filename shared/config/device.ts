/**
 * The device configuration file (JSON), checked by this schema before anything starts. One file
 * per device, written by the municipality's IT staff or their provisioning tool.
 */
import { z } from 'zod';
import { DEVICE_ROLES, DeviceIdSchema } from '../contracts/sync/events.ts';
import { CounterConfigSchema } from './counter.ts';
import { LibraryConfigSchema } from './library.ts';

const ED25519_RAW_BYTES = 32;

export const PublicKeySchema = z
  .base64()
  .refine((s) => Buffer.from(s, 'base64').length === ED25519_RAW_BYTES, {
    message: 'an Ed25519 public key: 32 bytes in base64',
  });

/**
 * How a validator decides taps. Times are in the units their names say; the defaults suit a
 * community bus: a second tap within two minutes is "already validated", entitlement data older
 * than three days is stale.
 */
export const ValidatorConfigSchema = z.strictObject({
  /** The route and boarding stop the vehicle serves now (fare leg rules match on them). */
  routeId: z.string().min(1).max(64),
  stopId: z.string().min(1).max(64).optional(),
  /** PC/SC reader names (exact, or a prefix ending in "*"); absent: every reader. */
  readers: z.array(z.string().min(1).max(128)).min(1).optional(),
  /** The rider display unit (hardware/validator-display/PROTOCOL.md); absent: none fitted. */
  display: z
    .strictObject({
      path: z.string().min(1),
      baudRate: z.int().min(1200).max(921_600).default(115_200),
    })
    .optional(),
  /** The document key of the fare table in the `fares` dataset. */
  fareTable: z.string().min(1).max(64).default('table'),
  duplicateWindowSeconds: z.int().min(0).max(3600).default(120),
  maxDataAgeHours: z
    .number()
    .min(1)
    .max(24 * 90)
    .default(72),
  /** Stale entitlement data: apply discounts and flag the ride, or charge the standard fare. */
  stalePolicy: z.enum(['accept-and-flag', 'full-fare']).default('accept-and-flag'),
  /** Subsidised rides this vehicle may grant one rider beyond the backend's last count. */
  overrunBound: z.int().min(0).max(100).default(2),
  /** How long a result stays on the display before it asks for the next card. */
  resultHoldMs: z.int().min(200).max(60_000).default(3000),
  /** Time limit of one card exchange during a tap. */
  cardTimeoutMs: z.int().min(50).max(10_000).default(1500),
  /**
   * When a tap's record reaches the disk: right after the decision, beside the display update
   * (the decision does not wait for the disk; a power cut in those milliseconds can lose that
   * one record), or inside the commit (every decision waits for the fsync).
   */
  fsync: z.enum(['after-decision', 'in-commit']).default('after-decision'),
});
export type ValidatorConfig = z.output<typeof ValidatorConfigSchema>;

export const DeviceConfigSchema = z
  .strictObject({
    deviceId: DeviceIdSchema,
    role: z.enum(DEVICE_ROLES),
    /** Database, device key and spool live here. Relative paths are relative to the config file. */
    dataDir: z.string().min(1),
    backend: z.strictObject({
      url: z.url({ protocol: /^https?$/, message: 'an http:// or https:// URL' }),
      /** The backend's dataset-signing keys (base64 raw Ed25519), pinned; more than one during a rotation. */
      publicKeys: z.array(PublicKeySchema).min(1),
      /** No progress for this long fails a request (ms). */
      timeoutMs: z.int().min(100).max(300_000).default(15_000),
    }),
    /**
     * The fleet HMAC key file (32+ random bytes), which turns card identifiers into token hashes.
     * Validators and library machines need it; counters do not.
     */
    fleetKeyFile: z.string().min(1).optional(),
    sync: z
      .strictObject({
        intervalSeconds: z.int().min(5).max(86_400).default(60),
        batchSize: z.int().min(1).max(1000).default(500),
        /** Acknowledged events are kept this long on the device, then pruned. */
        retentionDays: z.number().min(0).max(3650).default(30),
        /** Tries per request for transient failures within one run. */
        attempts: z.int().min(1).max(20).default(5),
      })
      .prefault({}),
    /** The on-bus validator role (kazasu validator); required by that command. */
    validator: ValidatorConfigSchema.optional(),
    /** The write-less counter role (kazasu counter, shared/config/counter.ts). */
    counter: CounterConfigSchema.optional(),
    /** The library self-checkout role (kazasu library, shared/config/library.ts). */
    library: LibraryConfigSchema.optional(),
  })
  .refine((c) => c.role === 'counter' || c.fleetKeyFile !== undefined, {
    message: 'validators and library machines need fleetKeyFile',
    path: ['fleetKeyFile'],
  });

export type DeviceConfig = z.output<typeof DeviceConfigSchema>;
