/**
 * The write-less counter role (`kazasu counter`, kiosk/counter/): face authentication policy,
 * how long an untouched case keeps its data, which municipality's form templates to use, and
 * where forms are printed. Every field has a default but the municipality code, so a counter
 * config needs only `{ "municipalityCode": "012084" }`.
 */
import { z } from 'zod';

export const CounterConfigSchema = z.strictObject({
  /** 全国地方公共団体コード (6 digits with the check digit, as the form templates are filed). */
  municipalityCode: z.string().regex(/^\d{6}$/, { message: 'a 6-digit 全国地方公共団体コード' }),
  /** A face match passes at this similarity (0–1, the camera's score / 1000) or above. */
  faceMatchThreshold: z.number().min(0.5).max(1).default(0.8),
  /** Face tries per card before the PIN is offered instead (then the staff check). */
  faceAttempts: z.int().min(1).max(10).default(3),
  /** A case with no event for this long is wiped (its personal data overwritten). */
  idleTimeoutSeconds: z.int().min(10).max(3600).default(180),
  /** The CUPS queue forms are printed on. */
  printerQueue: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,127}$/, { message: 'a CUPS queue name' })
    .default('Kazasu-PDF'),
  /** The face-auth camera (hardware/face-camera/PROTOCOL.md); absent: PIN and staff check only. */
  faceCamera: z
    .strictObject({
      path: z.string().min(1),
      baudRate: z.int().min(1200).max(921_600).default(115_200),
    })
    .optional(),
  /** Persons in one household case. */
  maxPersons: z.int().min(1).max(20).default(8),
  /** Time limit of a resident look-up; past it the look-up is pending (offline). */
  lookupTimeoutMs: z.int().min(100).max(60_000).default(3000),
});
export type CounterConfig = z.output<typeof CounterConfigSchema>;
