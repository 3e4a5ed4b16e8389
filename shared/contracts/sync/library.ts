/**
 * What the library self-checkout role syncs: the `checkout.*` events it sends (roles in
 * events.ts) and the shape of the documents in its `patrons` dataset (datasets.ts leaves the
 * inner shape of keyed documents to the role that reads them).
 *
 * Privacy: reading records are among the most sensitive data a library keeps (日本図書館協会
 * 「図書館の自由に関する宣言」第3: 図書館は利用者の秘密を守る). Events therefore say that a checkout
 * happened and how it ended, not who borrowed what; only an exception, which staff must put
 * right in the library system, names the item and the patron's keyed hash.
 */
import { z } from 'zod';
import { IsoDateSchema, TokenHashSchema } from './datasets.ts';

export const CHECKOUT_EVENT_TYPES = {
  /** Checked out online: the library system accepted it at the time. */
  completed: 'checkout.completed',
  /** Checked out while the library system was unreachable: stored to forward. */
  stored: 'checkout.stored',
  /** A stored checkout the library system accepted when forwarded (no-block). */
  forwarded: 'checkout.forwarded',
  /** A stored checkout the library system refused when forwarded: staff must act. */
  exception: 'checkout.exception',
  /** Staff dealt with an exception. */
  resolved: 'checkout.resolved',
} as const;
export type CheckoutEventType = (typeof CHECKOUT_EVENT_TYPES)[keyof typeof CHECKOUT_EVENT_TYPES];

/** Why a forwarded checkout was refused (the library system's words stay on the device). */
export const EXCEPTION_REASONS = [
  'unknown-item',
  'unknown-patron',
  'on-loan-to-other',
  'refused',
] as const;
export type ExceptionReason = (typeof EXCEPTION_REASONS)[number];

export const CheckoutPayloadSchema = z.strictObject({
  txnId: z.uuid(),
  /** When the patron checked the item out (ms since epoch), not when it was forwarded. */
  occurredAt: z.int().min(0),
  mode: z.enum(['online', 'offline']),
  /** The due date the patron was given (YYYY-MM-DD). */
  dueDate: IsoDateSchema.optional(),
  reason: z.enum(EXCEPTION_REASONS).optional(),
  /** Exceptions only. */
  itemId: z.string().min(1).max(64).optional(),
  patronHash: TokenHashSchema.optional(),
});
export type CheckoutPayload = z.output<typeof CheckoutPayloadSchema>;

/** Why a cached patron may not check out while the library system is unreachable. */
export const PATRON_BLOCKS = ['fines', 'card-lost', 'expired', 'other'] as const;
export type PatronBlock = (typeof PATRON_BLOCKS)[number];

/**
 * A `patrons` document. Key: the token hash (hex) of a card the patron may identify with — the
 * library card barcode (`library-card`), a linked IC card (`felica-idm`) or, where the
 * municipality allows it, the My Number Card's authentication certificate serial
 * (`jpki-auth-serial`; the linkage is made at the counter, anchors.md §D.4). Never the My
 * Number and never the basic four.
 */
export const PatronDocumentSchema = z.strictObject({
  /** The library system's patron identifier (SIP2 AA: the library card number). */
  patronId: z.string().min(1).max(64),
  status: z.enum(['active', 'blocked']),
  block: z.enum(PATRON_BLOCKS).optional(),
  /** The card's last valid day, if it expires. */
  validTo: IsoDateSchema.optional(),
  /** Items this patron may take while the library system is unreachable (overrides the default). */
  offlineLimit: z.int().min(0).max(100).optional(),
});
export type PatronDocument = z.output<typeof PatronDocumentSchema>;
