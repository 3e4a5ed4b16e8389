/**
 * Events up: the outbox rows a device uploads and the backend's per-event answers.
 * Architecture "Sync principles": events carry (device_id, device_seq) and a UUID; delivery is
 * at-least-once and the backend dedupes permanently on (device_id, device_seq).
 */
import { z } from 'zod';
import { REDACTED_FIELDS } from '../../log.ts';
import { LIMITS } from './constants.ts';

export const DEVICE_ROLES = ['counter', 'library', 'validator'] as const;
export type DeviceRole = (typeof DEVICE_ROLES)[number];

/** Device ids are chosen by the municipality: `bus-0042`, `lib-chuo-2`, `counter-3f-01`. */
export const DeviceIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$/, {
  message: 'device id: 3–64 of a-z, 0-9 and -, not starting or ending with -',
});

/** `ride.validated`, `checkout.stored`, `case.closed`, `device.started`, `audit.entry` … */
export const EventTypeSchema = z
  .string()
  .max(64)
  .regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/, { message: 'event type: dotted lower-case' });

/** Which event families each role may send; every role may send `device.*` and `audit.*`. */
export const EVENT_FAMILIES_BY_ROLE: Readonly<Record<DeviceRole, readonly string[]>> = {
  counter: ['case', 'device', 'audit'],
  library: ['checkout', 'device', 'audit'],
  validator: ['ride', 'device', 'audit'],
};

export function eventAllowedForRole(type: string, role: DeviceRole): boolean {
  const family = type.slice(0, type.indexOf('.'));
  return EVENT_FAMILIES_BY_ROLE[role].includes(family);
}

const personalKeys = new Set(REDACTED_FIELDS.map((k) => k.toLowerCase()));

/** The first object key anywhere in `value` that names personal data, if any. */
export function findPersonalKey(value: unknown, depth = 0): string | undefined {
  if (depth > 16 || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (const v of value) {
      const hit = findPersonalKey(v, depth + 1);
      if (hit) return hit;
    }
    return undefined;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (personalKeys.has(k.toLowerCase())) return k;
    const hit = findPersonalKey(v, depth + 1);
    if (hit) return hit;
  }
  return undefined;
}

/** An event payload: a JSON object, bounded, with no personal field names (Data rules). */
export const EventPayloadSchema = z
  .record(z.string(), z.json())
  .refine((p) => JSON.stringify(p).length <= LIMITS.maxPayloadBytes, {
    message: `payload larger than ${LIMITS.maxPayloadBytes} bytes`,
  })
  .refine((p) => findPersonalKey(p) === undefined, {
    message: 'payload carries a personal field name',
  });
export type EventPayload = z.output<typeof EventPayloadSchema>;

export const WireEventSchema = z.strictObject({
  eventId: z.uuid(),
  deviceSeq: z.int().min(1).max(Number.MAX_SAFE_INTEGER),
  type: EventTypeSchema,
  payload: EventPayloadSchema,
  /** Device clock when the event was written (ms since epoch); the backend also keeps its own. */
  createdAt: z.int().min(0),
});
export type WireEvent = z.output<typeof WireEventSchema>;

export const UploadRequestSchema = z.strictObject({
  events: z
    .array(WireEventSchema)
    .min(1)
    .max(LIMITS.maxEventsPerUpload)
    .refine((es) => es.every((e, i) => i === 0 || e.deviceSeq > (es[i - 1]?.deviceSeq ?? 0)), {
      message: 'events must be in increasing deviceSeq order',
    }),
});
export type UploadRequest = z.output<typeof UploadRequestSchema>;

/**
 * Per event: `stored` (new), `duplicate` (already held with the same event id: an ack that was
 * lost), `conflict` (that seq is held with a different event id), `refused` (not allowed for
 * this device's role). Only `stored` and `duplicate` let the device forget the event.
 */
export const EVENT_OUTCOMES = ['stored', 'duplicate', 'conflict', 'refused'] as const;
export type EventOutcome = (typeof EVENT_OUTCOMES)[number];

export const UploadResponseSchema = z.strictObject({
  results: z.array(
    z.strictObject({
      deviceSeq: z.int().min(1),
      outcome: z.enum(EVENT_OUTCOMES),
    }),
  ),
  serverTime: z.int().min(0),
});
export type UploadResponse = z.output<typeof UploadResponseSchema>;

/** `GET /v1/device`: what the backend knows of the calling device. */
export const DeviceInfoSchema = z.strictObject({
  deviceId: DeviceIdSchema,
  role: z.enum(DEVICE_ROLES),
  /** Highest device_seq the backend holds for this device (0 for none). */
  lastSeq: z.int().min(0),
  serverTime: z.int().min(0),
});
export type DeviceInfo = z.output<typeof DeviceInfoSchema>;

/** Error bodies of every non-2xx response. */
export const ErrorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
