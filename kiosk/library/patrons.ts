/**
 * Patron identification. The presented credential is checked against the municipality's
 * policy (IC cards, the My Number Card only where the switch allows it), turned into a keyed
 * hash with the fleet key, and looked up in the `patrons` cache (the linkage table: card hash
 * → library patron id). Then the library system has the last word on whether the patron may
 * borrow; when it is unreachable, the cache decides (offline: known and not blocked).
 * Identifiers live in memory for the length of the call; only hashes reach the store.
 */
import { PatronDocumentSchema, type PatronDocument } from '../../shared/contracts/sync/library.ts';
import { normaliseTokenId, type TokenKind } from '../../shared/contracts/sync/token.ts';
import { parseWire } from '../../shared/contracts/sync/wire.ts';
import type { Json } from '../../shared/contracts/sync/canonical.ts';
import { jstDate } from '../../shared/contracts/sync/periods.ts';
import { serializeError } from '../../shared/errors.ts';
import { silentLogger, type Logger } from '../../shared/log.ts';
import { tokenHash } from '../crypto.ts';
import { isLinkFailure, type LibrarySystem, type PatronStatus } from './library-system.ts';
import type { Credential, Identification, IdentifyRefusal, Patron } from './types.ts';

export interface IdentifyPolicy {
  readonly acceptIcCard: boolean;
  readonly acceptMyNumberCard: boolean;
  /** Cached patrons may borrow while the library system is unreachable. */
  readonly offlineEnabled: boolean;
  /** Keep the library system's name for the patron (SIP2 AE) to greet them on screen. */
  readonly showPatronName?: boolean | undefined;
}

export interface PatronDirectoryOptions {
  readonly fleetKey: Uint8Array;
  /** Reads a `patrons` document (DeviceStore.lookups.document). */
  readonly document: (key: string) => Json | undefined;
  readonly system: LibrarySystem;
  readonly policy: IdentifyPolicy;
  /** Skip the library system (it was just found unreachable). */
  readonly linkDown: () => boolean;
  /** Called when a lookup found the library system unreachable. */
  readonly onLinkFailure?: (error: unknown) => void;
  readonly logger?: Logger;
}

type Resolved =
  | { readonly ok: true; readonly kind: TokenKind; readonly id: string }
  | { readonly ok: false; readonly reason: IdentifyRefusal };

/** The credential as a token kind and normalised id, or why it cannot be one here. */
export function resolveCredential(c: Credential, policy: IdentifyPolicy): Resolved {
  const as = (kind: TokenKind, raw: string, bad: IdentifyRefusal): Resolved => {
    const id = normaliseTokenId(kind, raw);
    return id === undefined ? { ok: false, reason: bad } : { ok: true, kind, id };
  };
  switch (c.kind) {
    case 'library-card':
      return as('library-card', c.barcode, 'not-a-library-card');
    case 'ic-card':
      if (!policy.acceptIcCard) return { ok: false, reason: 'ic-card-not-accepted' };
      return as('felica-idm', c.idm, 'card-read-failed');
    case 'my-number':
      if (!policy.acceptMyNumberCard) return { ok: false, reason: 'my-number-not-accepted' };
      return as('jpki-auth-serial', c.authSerial, 'card-read-failed');
    case 'unusable-card':
      return { ok: false, reason: c.reason };
    case 'unreadable-card':
      return { ok: false, reason: 'card-read-failed' };
  }
}

/** Why the library system's patron status says no, if it does. */
export function onlineRefusal(s: PatronStatus): IdentifyRefusal | undefined {
  if (!s.valid) return 'unknown-patron';
  if (s.flags.has('cardReportedLost')) return 'blocked-card-lost';
  if (!s.flags.has('chargePrivilegesDenied')) return undefined;
  const money =
    s.flags.has('excessiveOutstandingFines') ||
    s.flags.has('excessiveOutstandingFees') ||
    s.flags.has('tooManyItemsOverdue') ||
    s.flags.has('recallOverdue');
  return money ? 'blocked-fines' : 'blocked';
}

/** Why the cache says no while offline, if it does. `today` is the JST date. */
export function offlineRefusal(doc: PatronDocument, today: string): IdentifyRefusal | undefined {
  if (doc.status === 'blocked') {
    switch (doc.block) {
      case 'fines':
        return 'blocked-fines';
      case 'card-lost':
        return 'blocked-card-lost';
      case 'expired':
        return 'card-expired';
      case 'other':
      case undefined:
        return 'blocked';
    }
  }
  if (doc.validTo !== undefined && doc.validTo < today) return 'card-expired';
  return undefined;
}

export class PatronDirectory {
  private readonly log: Logger;

  constructor(private readonly o: PatronDirectoryOptions) {
    this.log = (o.logger ?? silentLogger).child({ module: 'library:patrons' });
  }

  /** The hex key of a card in the `patrons` dataset. */
  cacheKey(kind: TokenKind, id: string): string {
    return tokenHash(this.o.fleetKey, kind, id).toString('hex');
  }

  private cached(key: string): PatronDocument | undefined {
    let raw: Json | undefined;
    try {
      raw = this.o.document(key);
    } catch (error) {
      this.log.warn({ err: serializeError(error) }, 'patron cache unreadable');
      return undefined;
    }
    if (raw === undefined) return undefined;
    const parsed = parseWire(PatronDocumentSchema, raw);
    if (!parsed.ok) {
      this.log.warn({ issues: parsed.issues }, 'patron cache document of the wrong shape');
      return undefined;
    }
    return parsed.value;
  }

  async identify(credential: Credential, at: number): Promise<Identification> {
    const r = resolveCredential(credential, this.o.policy);
    if (!r.ok) return r;
    const doc = this.cached(this.cacheKey(r.kind, r.id));
    const patronId = r.kind === 'library-card' ? r.id : doc?.patronId;
    if (patronId === undefined) return { ok: false, reason: 'card-not-registered' };
    const card = normaliseTokenId('library-card', patronId) ?? patronId.trim().toUpperCase();
    const base = {
      patronId,
      patronHash: new Uint8Array(tokenHash(this.o.fleetKey, 'library-card', card)),
      via:
        r.kind === 'library-card'
          ? 'library-card'
          : r.kind === 'felica-idm'
            ? 'ic-card'
            : 'my-number',
      cached: doc,
    } as const;
    if (!this.o.linkDown()) {
      try {
        const status = await this.o.system.patronStatus(patronId);
        const refused = onlineRefusal(status);
        if (refused) return { ok: false, reason: refused };
        const name = this.o.policy.showPatronName ? status.personalName : undefined;
        return {
          ok: true,
          patron: {
            ...base,
            mode: 'online',
            ...(name ? { displayName: name } : {}),
          } satisfies Patron,
        };
      } catch (error) {
        if (!isLinkFailure(error)) throw error;
        this.o.onLinkFailure?.(error);
      }
    }
    if (!this.o.policy.offlineEnabled || !doc)
      return { ok: false, reason: 'offline-unknown-patron' };
    const refused = offlineRefusal(doc, jstDate(at));
    if (refused) return { ok: false, reason: refused };
    return { ok: true, patron: { ...base, mode: 'offline' } };
  }
}
