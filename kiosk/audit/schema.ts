/**
 * What an audit entry may say, checked before it is written: short lower-case codes only (a
 * step, a result, a method, procedure ids, error codes like `reader/pin-wrong`), a case id and
 * a person's place in the case (`p1`). No free text, so no name, address, card number or My
 * Number can reach the log, the outbox or the backend through it.
 */
import { z } from 'zod';

const CODE = /^[a-z0-9][a-z0-9./-]{0,63}$/;
const code = z.string().regex(CODE, { message: 'a lower-case code' });

export const AuditDraftSchema = z.strictObject({
  caseId: z.uuid(),
  step: code,
  result: code,
  method: code.optional(),
  /** The person's place in a household case: p1, p2, … */
  person: z
    .string()
    .regex(/^p[1-9][0-9]?$/)
    .optional(),
  procedures: z.array(code).max(20).optional(),
  codes: z.array(code).max(10).optional(),
});
export type AuditDraft = z.input<typeof AuditDraftSchema>;

/** The outbox event an entry also goes up as (architecture "Sync principles"). */
export const AUDIT_EVENT_TYPE = 'audit.entry';
