/**
 * The vocabulary of the self-checkout: how a patron identifies, what a checkout can end in,
 * and the events and commands of the flow (flow.ts). Pure types.
 */
import type { PatronDocument } from '../../shared/contracts/sync/library.ts';

/** What the patron presented. Identifiers here are in memory only: never logged or stored. */
export type Credential =
  /** The library card's barcode, from the scanner (it is the SIP2 patron id). */
  | { readonly kind: 'library-card'; readonly barcode: string }
  /** A FeliCa IC card linked to the library card (transit card, 図書館ICカード). */
  | { readonly kind: 'ic-card'; readonly idm: string }
  /** A My Number Card: the serial of its JPKI user-authentication certificate. */
  | { readonly kind: 'my-number'; readonly authSerial: string }
  /** A card that is neither, or a My Number Card on a machine that may not read it. */
  | { readonly kind: 'unusable-card'; readonly reason: 'unknown-card' | 'my-number-not-accepted' }
  | { readonly kind: 'unreadable-card' };

export type IdentifyRefusal =
  | 'unknown-patron'
  | 'blocked-fines'
  | 'blocked-card-lost'
  | 'blocked'
  | 'card-expired'
  | 'card-not-registered'
  | 'my-number-not-accepted'
  | 'ic-card-not-accepted'
  | 'unknown-card'
  | 'card-read-failed'
  | 'not-a-library-card'
  | 'offline-unknown-patron';

/** A patron the machine may lend to. */
export interface Patron {
  /** SIP2 AA. */
  readonly patronId: string;
  /** Keyed hash of the library card number: the one stored with offline checkouts. */
  readonly patronHash: Uint8Array;
  readonly via: 'library-card' | 'ic-card' | 'my-number';
  /** Identified by the library system now, or from the local cache while it is unreachable. */
  readonly mode: 'online' | 'offline';
  /** The patron cache document, when the patron is in it. */
  readonly cached: PatronDocument | undefined;
  /**
   * The name the library system gave (SIP2 AE), only where the config allows showing it on
   * the screen. In memory for the session; never logged, printed or stored.
   */
  readonly displayName?: string | undefined;
}

export type Identification =
  | { readonly ok: true; readonly patron: Patron }
  | { readonly ok: false; readonly reason: IdentifyRefusal };

export type CheckoutRefusal =
  | 'unknown-item'
  | 'on-hold'
  | 'on-loan'
  | 'lost-or-missing'
  | 'limit'
  | 'patron-blocked'
  | 'refused'
  | 'offline-limit'
  | 'offline-unavailable'
  | 'invalid-barcode'
  | 'system-error';

export type CheckoutOutcome =
  | {
      readonly kind: 'checked-out';
      readonly dueDate: string | undefined;
      readonly title: string | undefined;
    }
  /** Stored to forward: the library system was unreachable. */
  | { readonly kind: 'stored-offline'; readonly dueDate: string }
  | {
      readonly kind: 'refused';
      readonly reason: CheckoutRefusal;
      /** The library system's own words (AF), shown as they came. */
      readonly screenMessage?: readonly string[] | undefined;
    };

export type PrinterCondition = 'ready' | 'unavailable' | 'none';
