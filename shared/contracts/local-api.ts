/**
 * The local API between the kiosk service and its UI (architecture "Processes"): JSON messages
 * over a WebSocket on loopback (browser mode), or the same messages through the Electron
 * preload. Every message is checked with these schemas on both sides (style.md rule 9): an
 * unknown method or a bad payload is refused with a typed error, never guessed at.
 *
 * UI → service: `{ id, method, params }`; service → UI: `{ id, ok: true, value }` or
 * `{ id, ok: false, error: { code, message } }`, and pushes `{ event, data }` for state changes
 * (a tap decided, the counter flow moved, a device went away).
 */
import { z } from 'zod';
import { DEVICE_ROLES } from './sync/events.ts';

export const RequestSchema = z.strictObject({
  id: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
  method: z.string().regex(/^[a-z][a-zA-Z]*(\.[a-z][a-zA-Z]*)+$/),
  params: z.unknown().optional(),
});
export type Request = z.output<typeof RequestSchema>;

export const ApiErrorSchema = z.strictObject({
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ApiError = z.output<typeof ApiErrorSchema>;

export const ReplySchema = z.union([
  z.strictObject({ id: z.int(), ok: z.literal(true), value: z.unknown() }),
  z.strictObject({ id: z.int(), ok: z.literal(false), error: ApiErrorSchema }),
]);
export type Reply = z.output<typeof ReplySchema>;

export const PushSchema = z.strictObject({ event: z.string(), data: z.unknown() });
export type Push = z.output<typeof PushSchema>;

/** Codes of the API layer itself; handlers add their own (`reader/pin-wrong`, …). */
export type ApiErrorCode =
  | 'api/bad-message' // not JSON, or not a request
  | 'api/unknown-method'
  | 'api/bad-params' // params fail the method's schema; details.issues names the paths
  | 'api/not-allowed' // a demo-only method on a real device, or a role's method on another role
  | 'api/internal';

const bilingual = z.strictObject({ ja: z.string(), en: z.string() });
export type BilingualText = z.output<typeof bilingual>;

/** Status page: readers, devices, datasets, outbox (architecture "Data rules": no personal data). */
export const DEVICE_KINDS = [
  'card-reader',
  'rider-display',
  'printer',
  'receipt-printer',
  'camera',
  'scanner',
  'backend',
  /** The library's own system (SIP2), which a self-checkout talks to besides the backend. */
  'library-system',
] as const;

export const StatusSchema = z.strictObject({
  deviceId: z.string(),
  role: z.enum(DEVICE_ROLES),
  demo: z.boolean(),
  startedAt: z.int(),
  pcscd: z.enum(['up', 'down']),
  readers: z.array(
    z.strictObject({ name: z.string(), cardPresent: z.boolean(), inSession: z.boolean() }),
  ),
  devices: z.array(
    z.strictObject({
      kind: z.enum(DEVICE_KINDS),
      name: z.string(),
      /** ok: working; unreachable: fitted but not answering; closed: port gone; absent: not fitted. */
      state: z.enum(['ok', 'unreachable', 'closed', 'absent', 'error']),
      detail: z.string().optional(),
    }),
  ),
  datasets: z.array(
    z.strictObject({
      dataset: z.string(),
      version: z.int().nullable(),
      rows: z.int().nullable(),
      ageSeconds: z.int().nullable(),
    }),
  ),
  outbox: z.strictObject({
    pending: z.int(),
    oldestPendingAt: z.string().nullable(),
    rejected: z.int(),
  }),
  lastSync: z.strictObject({
    successAt: z.string().nullable(),
    errorCode: z.string().nullable(),
  }),
});
export type Status = z.output<typeof StatusSchema>;

/** What the rider screen shows for one tap (the serial display shows the same two lines). */
export const TapViewSchema = z.strictObject({
  at: z.int(),
  /** Service clock (epoch ms) of the card-present event. */
  presentAt: z.int(),
  reader: z.string(),
  outcome: z.enum(['accepted', 'already-validated', 'tap-again', 'see-driver']),
  reason: bilingual.extend({ code: z.string() }),
  fareYen: z.int().nullable(),
  baseFareYen: z.int().nullable(),
  discountYen: z.int(),
  category: bilingual.extend({ id: z.string() }).nullable(),
  subsidised: z.boolean(),
  allowanceLeft: z.int().nullable(),
  staleData: z.boolean(),
  display: z.strictObject({
    lines: z.tuple([z.string(), z.string()]),
    led: z.string(),
  }),
  /** ms from the card-present event to the committed decision. */
  decisionMs: z.number(),
});
export type TapView = z.output<typeof TapViewSchema>;

export const ValidatorViewSchema = z.strictObject({
  routeId: z.string(),
  stopId: z.string().nullable(),
  last: TapViewSchema.nullable(),
});
export type ValidatorView = z.output<typeof ValidatorViewSchema>;

/** Methods every role has, with their params schemas. Role modules add theirs. */
export const CORE_METHODS = {
  'status.get': z.undefined(),
  'validator.get': z.undefined(),
  'validator.setRoute': z.strictObject({
    routeId: z.string().min(1).max(64),
    stopId: z.string().min(1).max(64).optional(),
  }),
  /** Demo only: what the simulated devices do. */
  'demo.card': z.strictObject({
    reader: z.int().min(0).max(7),
    action: z.enum(['insert', 'remove', 'pull']),
    card: z
      .enum(['mynumber', 'mynumber-senior', 'felica-senior', 'felica-rider', 'unknown'])
      .optional(),
  }),
  /** Demo only: restart the demo as another kind of device (a real one has one role). */
  'demo.setRole': z.strictObject({ role: z.enum(DEVICE_ROLES) }),
} as const;

/** Events the service pushes. */
export const EVENTS = {
  status: StatusSchema,
  'validator.tap': TapViewSchema,
  'validator.view': ValidatorViewSchema,
} as const;
