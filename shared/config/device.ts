/**
 * The device configuration file (JSON), checked by this schema before anything starts. One file
 * per device, written by the municipality's IT staff or their provisioning tool.
 */
import { z } from 'zod';
import { DEVICE_ROLES, DeviceIdSchema } from '../contracts/sync/events.ts';

const ED25519_RAW_BYTES = 32;

export const PublicKeySchema = z
  .base64()
  .refine((s) => Buffer.from(s, 'base64').length === ED25519_RAW_BYTES, {
    message: 'an Ed25519 public key: 32 bytes in base64',
  });

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
  })
  .refine((c) => c.role === 'counter' || c.fleetKeyFile !== undefined, {
    message: 'validators and library machines need fleetKeyFile',
    path: ['fleetKeyFile'],
  });

export type DeviceConfig = z.output<typeof DeviceConfigSchema>;
