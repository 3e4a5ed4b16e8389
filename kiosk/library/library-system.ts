/**
 * The library system as the self-checkout needs it, over the SIP2 client: patron status,
 * checkout (also with no-block, for store-and-forward), item status, end of session, ACS
 * status. It builds the messages (institution, terminal password, dates in the library's local
 * time) and reads the answers into plain facts; link failures propagate as LibraryErrors for
 * the caller to turn into "offline".
 */
import type { Clock } from '../../shared/clock.ts';
import { hasErrorCode } from '../../shared/errors.ts';
import {
  CIRCULATION_STATUS,
  LANGUAGE,
  PATRON_STATUS_FLAGS,
  PROTOCOL_VERSION,
  SC_STATUS,
  type PatronStatusFlag,
} from './sip2/constants.ts';
import { BLANK_DATE, dueDateOf, formatSip2Date, sip2DateOfDay } from './sip2/dates.ts';
import type { Sip2Client, Sip2LinkState } from './sip2/client.ts';
import type { CheckoutRefusal } from './types.ts';

export interface PatronStatus {
  /** The library system knows the patron (BL; absent counts as yes). */
  readonly valid: boolean;
  readonly flags: ReadonlySet<PatronStatusFlag>;
  /** Items on loan, and the most allowed (CB), when the system says. */
  readonly charged: number | null;
  readonly chargedLimit: number | undefined;
  /** AE, when the library system sends it (the screen may greet the patron with it). */
  readonly personalName?: string | undefined;
}

export type CheckoutReply =
  | { readonly ok: true; readonly dueDate: string | undefined; readonly title: string | undefined }
  | { readonly ok: false; readonly screenMessage: readonly string[] };

export interface ItemStatus {
  readonly circulationStatus: string;
  /** False when the library system answered with no title: it does not know the item. */
  readonly known: boolean;
}

export interface CheckoutRequest {
  readonly patronId: string;
  readonly itemId: string;
  /** When the checkout happened: now, or a stored checkout's original time. */
  readonly at: number;
  /** A checkout the terminal already carried out while offline: the system must not refuse it. */
  readonly noBlock?: boolean;
  /** The due date the patron was given offline (YYYY-MM-DD). */
  readonly nbDueDate?: string | undefined;
}

export interface LibrarySystem {
  readonly state: Sip2LinkState;
  /** ACS Status: whether it is up and taking checkouts. */
  status(): Promise<{ readonly online: boolean; readonly checkoutOk: boolean }>;
  patronStatus(patronId: string): Promise<PatronStatus>;
  checkout(request: CheckoutRequest): Promise<CheckoutReply>;
  itemStatus(itemId: string): Promise<ItemStatus>;
  endSession(patronId: string): Promise<void>;
  close(): Promise<void>;
}

/** The errors that mean "the library system is not reachable now" (not "it said no"). */
export function isLinkFailure(error: unknown): boolean {
  return hasErrorCode(
    error,
    'library/sip2-unreachable',
    'library/sip2-timeout',
    'library/sip2-checksum',
    'library/sip2-malformed',
    'library/sip2-charset',
    'library/sip2-unexpected-reply',
    'library/sip2-login-refused',
  );
}

export interface Sip2LibrarySystemOptions {
  readonly institutionId: string;
  readonly terminalPassword?: string | undefined;
  readonly utcOffsetMinutes: number;
  /** Receipt width, reported in SC Status. */
  readonly printWidth?: number;
  readonly clock: Clock;
}

export class Sip2LibrarySystem implements LibrarySystem {
  constructor(
    private readonly client: Sip2Client,
    private readonly o: Sip2LibrarySystemOptions,
  ) {}

  get state(): Sip2LinkState {
    return this.client.state;
  }

  private date(at: number = this.o.clock.now()): string {
    return formatSip2Date(at, { offsetMinutes: this.o.utcOffsetMinutes });
  }

  private get ac(): { terminalPassword?: string } {
    return this.o.terminalPassword ? { terminalPassword: this.o.terminalPassword } : {};
  }

  async status(): Promise<{ online: boolean; checkoutOk: boolean }> {
    const r = await this.client.request({
      code: '99',
      statusCode: SC_STATUS.ok,
      maxPrintWidth: this.o.printWidth ?? 48,
      protocolVersion: PROTOCOL_VERSION,
    });
    return { online: r.onlineStatus, checkoutOk: r.checkoutOk };
  }

  async patronStatus(patronId: string): Promise<PatronStatus> {
    const r = await this.client.request({
      code: '63',
      language: LANGUAGE.japanese,
      transactionDate: this.date(),
      summary: ' '.repeat(10),
      institutionId: this.o.institutionId,
      patronId,
      ...this.ac,
    });
    const flags = new Set<PatronStatusFlag>();
    PATRON_STATUS_FLAGS.forEach((f, i) => {
      if (r.patronStatus[i] === 'Y') flags.add(f);
    });
    const limit = Number(r.chargedItemsLimit);
    return {
      valid: r.validPatron !== 'N',
      flags,
      charged: r.chargedItemsCount,
      chargedLimit:
        r.chargedItemsLimit !== undefined && Number.isInteger(limit) ? limit : undefined,
      personalName: r.personalName?.trim() || undefined,
    };
  }

  async checkout(req: CheckoutRequest): Promise<CheckoutReply> {
    const nb = req.nbDueDate ? sip2DateOfDay(req.nbDueDate) : undefined;
    const r = await this.client.request({
      code: '11',
      scRenewalPolicy: false,
      noBlock: req.noBlock ?? false,
      transactionDate: this.date(req.at),
      nbDueDate: nb ?? BLANK_DATE,
      institutionId: this.o.institutionId,
      patronId: req.patronId,
      itemId: req.itemId,
      ...this.ac,
    });
    if (!r.ok) return { ok: false, screenMessage: r.screenMessage ?? [] };
    return {
      ok: true,
      dueDate: dueDateOf(r.dueDate, this.o.utcOffsetMinutes),
      title: r.titleId === undefined || r.titleId === '' ? undefined : r.titleId,
    };
  }

  async itemStatus(itemId: string): Promise<ItemStatus> {
    const r = await this.client.request({
      code: '17',
      transactionDate: this.date(),
      institutionId: this.o.institutionId,
      itemId,
      ...this.ac,
    });
    return {
      circulationStatus: r.circulationStatus,
      known: (r.titleId ?? '') !== '' || r.circulationStatus !== CIRCULATION_STATUS.other,
    };
  }

  async endSession(patronId: string): Promise<void> {
    await this.client.request({
      code: '35',
      transactionDate: this.date(),
      institutionId: this.o.institutionId,
      patronId,
      ...this.ac,
    });
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/**
 * Why the library system refused a checkout. SIP2 carries no reason code (only free text in
 * AF), so the item's circulation status says it: unknown, on the hold shelf, on loan, lost.
 * An item that is available was refused for the patron's sake: the loan limit when the
 * patron's counts show it, else a reason only the desk can tell.
 */
export function refusalOf(item: ItemStatus | undefined, patron?: PatronStatus): CheckoutRefusal {
  if (!item) return 'refused';
  if (!item.known) return 'unknown-item';
  const c = CIRCULATION_STATUS;
  switch (item.circulationStatus) {
    case c.waitingOnHoldShelf:
    case c.recalled:
      return 'on-hold';
    case c.charged:
    case c.chargedNotRecallable:
      return 'on-loan';
    case c.lost:
    case c.missing:
    case c.claimedReturned:
      return 'lost-or-missing';
    case c.available: {
      const atLimit =
        typeof patron?.charged === 'number' &&
        patron.chargedLimit !== undefined &&
        patron.charged >= patron.chargedLimit;
      if (atLimit) return 'limit';
      if (patron?.flags.has('chargePrivilegesDenied')) return 'patron-blocked';
      return 'refused';
    }
    default:
      return 'refused';
  }
}
