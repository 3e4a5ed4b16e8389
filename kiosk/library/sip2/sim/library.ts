/**
 * A library system (the ACS side of SIP2) in memory: patrons with blocks and fines, items with
 * holds and loans, loan limits, and "no block" store-and-forward checkouts that it must accept.
 * Pure apart from its own state; time comes in with each request. The TCP server (server.ts)
 * puts it on the network; tests may also call `handle` directly.
 */
import { assertNever } from '../../../../shared/errors.ts';
import {
  CIRCULATION_STATUS,
  LANGUAGE,
  PATRON_STATUS_FLAGS,
  PROTOCOL_VERSION,
  type CirculationStatus,
  type PatronStatusFlag,
} from '../constants.ts';
import { BLANK_DATE, formatSip2Date } from '../dates.ts';
import type { MessageOf, RequestMessage, ResponseMessage } from '../messages.ts';
import type { SimItem, SimLibraryData, SimPatron } from './data.ts';

export interface SimLoan {
  readonly patronId: string;
  /** 18-character due date. */
  readonly due: string;
  /** When the checkout happened (the SC's transaction date for a no-block checkout). */
  readonly transactionDate: string;
  readonly noBlock: boolean;
}

/** Every checkout request the library saw, in order, for tests. */
export interface SimCheckoutRecord {
  readonly patronId: string;
  readonly itemId: string;
  readonly noBlock: boolean;
  readonly transactionDate: string;
  readonly ok: boolean;
}

/** Answers in Japanese, as a Japanese library system's screen messages would be. */
const SAY = {
  unknownPatron: '利用者が登録されていません',
  blocked: '貸出が停止されています',
  unknownItem: '資料が登録されていません',
  heldForOther: 'ほかの利用者の予約資料です',
  onLoanToOther: 'ほかの利用者に貸出中です',
  limit: '貸出冊数の上限です',
  lost: '紛失・不明の資料です',
  notOnLoan: '貸出されていません',
} as const;

const BX_SUPPORTED = 'YYYNYYYYYNYNNNYN'; // SIP2 Guide, ACS Status "supported messages", 16 positions

export class SimulatedLibrary {
  /** 98's on-line status: false models a library system that is up but not taking loans. */
  online = true;
  readonly loans = new Map<string, SimLoan>();
  readonly checkouts: SimCheckoutRecord[] = [];
  private readonly patrons: Map<string, SimPatron>;
  private readonly items: Map<string, SimItem>;
  private readonly holds = new Map<string, string>();

  constructor(readonly data: SimLibraryData) {
    this.patrons = new Map(data.patrons.map((p) => [p.id, p]));
    this.items = new Map(data.items.map((i) => [i.id, i]));
    for (const item of data.items) {
      if (item.holdFor) this.holds.set(item.id, item.holdFor);
      if (item.onLoanTo) {
        this.loans.set(item.id, {
          patronId: item.onLoanTo,
          due: '20990101    235959',
          transactionDate: BLANK_DATE,
          noBlock: false,
        });
      }
    }
  }

  handle(request: RequestMessage, now: number): ResponseMessage {
    const date = formatSip2Date(now);
    const ao = this.data.institutionId;
    switch (request.code) {
      case '93': {
        const want = this.data.login;
        const ok =
          !want || (request.loginUserId === want.userId && request.loginPassword === want.password);
        return { code: '94', ok };
      }
      case '99':
        return {
          code: '98',
          onlineStatus: this.online,
          checkinOk: this.online,
          checkoutOk: this.online,
          acsRenewalPolicy: true,
          statusUpdateOk: false,
          offlineOk: true,
          timeoutPeriod: 30,
          retriesAllowed: 3,
          dateTimeSync: date,
          protocolVersion: PROTOCOL_VERSION,
          institutionId: ao,
          libraryName: this.data.libraryName,
          supportedMessages: BX_SUPPORTED,
        };
      case '63':
      case '23':
        return this.patronInfo(request, date);
      case '11':
        return this.checkout(request, now, date);
      case '09': {
        const had = this.loans.delete(request.itemId);
        const item = this.items.get(request.itemId);
        return {
          code: '10',
          ok: item !== undefined,
          resensitize: true,
          magneticMedia: 'N',
          alert: this.holds.has(request.itemId),
          transactionDate: date,
          institutionId: ao,
          itemId: request.itemId,
          permanentLocation: '中央図書館',
          ...(item ? { titleId: item.title } : {}),
          ...(had ? {} : { screenMessage: [SAY.notOnLoan] }),
        };
      }
      case '17':
        return this.itemInfo(request, date);
      case '29': {
        const loan = request.itemId ? this.loans.get(request.itemId) : undefined;
        const ok = loan?.patronId === request.patronId && !this.holds.has(request.itemId ?? '');
        const due = ok ? this.dueDate(now) : undefined;
        if (ok && loan && due && request.itemId) this.loans.set(request.itemId, { ...loan, due });
        return {
          code: '30',
          ok,
          renewalOk: ok,
          magneticMedia: 'N',
          desensitize: 'N',
          transactionDate: date,
          institutionId: ao,
          patronId: request.patronId,
          itemId: request.itemId ?? '',
          ...(due ? { dueDate: due } : {}),
        };
      }
      case '35':
        return {
          code: '36',
          endSession: true,
          transactionDate: date,
          institutionId: ao,
          patronId: request.patronId,
        };
      default:
        return assertNever(request, 'SIP2 request');
    }
  }

  private patronStatus(patron: SimPatron | undefined): string {
    const set = new Set<PatronStatusFlag>();
    if (!patron || patron.block) set.add('chargePrivilegesDenied');
    if (patron?.block) set.add('renewalPrivilegesDenied');
    if (patron?.block === 'card-lost') set.add('cardReportedLost');
    if (patron?.block === 'fines') set.add('excessiveOutstandingFines');
    return PATRON_STATUS_FLAGS.map((f) => (set.has(f) ? 'Y' : ' ')).join('');
  }

  private loansOf(patronId: string): string[] {
    return [...this.loans].filter(([, l]) => l.patronId === patronId).map(([id]) => id);
  }

  private patronInfo(
    request: MessageOf<'63'> | MessageOf<'23'>,
    date: string,
  ): MessageOf<'64'> | MessageOf<'24'> {
    const patron = this.patrons.get(request.patronId);
    const passwordOk =
      patron !== undefined &&
      (patron.password === undefined || request.patronPassword === patron.password);
    const common = {
      patronStatus: this.patronStatus(patron),
      language: LANGUAGE.japanese,
      transactionDate: date,
      institutionId: this.data.institutionId,
      patronId: request.patronId,
      validPatron: patron ? 'Y' : 'N',
      validPatronPassword: passwordOk ? 'Y' : 'N',
      ...(patron ? { personalName: patron.name } : { screenMessage: [SAY.unknownPatron] }),
      ...(patron?.finesYen ? { currencyType: 'JPY', feeAmount: String(patron.finesYen) } : {}),
    };
    if (request.code === '23') return { code: '24', ...common };
    const charged = patron ? this.loansOf(patron.id) : [];
    const holds = [...this.holds].filter(([, who]) => who === request.patronId);
    return {
      code: '64',
      ...common,
      holdItemsCount: holds.length,
      overdueItemsCount: 0,
      chargedItemsCount: charged.length,
      fineItemsCount: patron?.finesYen ? 1 : 0,
      recallItemsCount: 0,
      unavailableHoldsCount: 0,
      chargedItemsLimit: String(patron?.loanLimit ?? this.data.defaultLoanLimit),
      ...(request.summary[2] === 'Y' && charged.length > 0 ? { chargedItems: charged } : {}),
    };
  }

  private circulationStatus(id: string): CirculationStatus {
    const item = this.items.get(id);
    if (!item) return CIRCULATION_STATUS.other;
    if (this.loans.has(id)) return CIRCULATION_STATUS.charged;
    if (item.status === 'lost') return CIRCULATION_STATUS.lost;
    if (item.status === 'missing') return CIRCULATION_STATUS.missing;
    if (this.holds.has(id)) return CIRCULATION_STATUS.waitingOnHoldShelf;
    return CIRCULATION_STATUS.available;
  }

  private itemInfo(request: MessageOf<'17'>, date: string): MessageOf<'18'> {
    const item = this.items.get(request.itemId);
    const loan = this.loans.get(request.itemId);
    return {
      code: '18',
      circulationStatus: this.circulationStatus(request.itemId),
      securityMarker: '00',
      feeType: '01',
      transactionDate: date,
      itemId: request.itemId,
      titleId: item?.title ?? '',
      ...(loan ? { dueDate: loan.due } : {}),
      ...(this.holds.has(request.itemId) ? { holdQueueLength: '1' } : {}),
      ...(item ? {} : { screenMessage: [SAY.unknownItem] }),
    };
  }

  /** `loanDays` after `now`, at the end of that day, local time. */
  private dueDate(now: number): string {
    return `${formatSip2Date(now + this.data.loanDays * 86_400_000).slice(0, 8)}    235959`;
  }

  private refusal(request: MessageOf<'11'>): string | undefined {
    const patron = this.patrons.get(request.patronId);
    const item = this.items.get(request.itemId);
    // What no-block cannot override: nobody to lend to, nothing to lend, or someone else's loan.
    if (!patron) return SAY.unknownPatron;
    if (!item) return SAY.unknownItem;
    const loan = this.loans.get(request.itemId);
    if (loan && loan.patronId !== patron.id) return SAY.onLoanToOther;
    if (request.noBlock || loan) return undefined;
    if (patron.block) return SAY.blocked;
    if (item.status) return SAY.lost;
    const holder = this.holds.get(request.itemId);
    if (holder && holder !== patron.id) return SAY.heldForOther;
    if (this.loansOf(patron.id).length >= (patron.loanLimit ?? this.data.defaultLoanLimit)) {
      return SAY.limit;
    }
    return undefined;
  }

  private checkout(request: MessageOf<'11'>, now: number, date: string): MessageOf<'12'> {
    const refused = this.online ? this.refusal(request) : '貸出を受け付けていません';
    const item = this.items.get(request.itemId);
    const existing = this.loans.get(request.itemId);
    let due: string | undefined;
    if (!refused) {
      // A repeated checkout of an item the patron already has is a renewal (and makes a
      // forwarded checkout that arrives twice harmless).
      due =
        request.noBlock && request.nbDueDate.trim() !== '' ? request.nbDueDate : this.dueDate(now);
      this.loans.set(request.itemId, {
        patronId: request.patronId,
        due,
        transactionDate: request.transactionDate,
        noBlock: request.noBlock,
      });
      if (this.holds.get(request.itemId) === request.patronId) this.holds.delete(request.itemId);
    }
    this.checkouts.push({
      patronId: request.patronId,
      itemId: request.itemId,
      noBlock: request.noBlock,
      transactionDate: request.transactionDate,
      ok: refused === undefined,
    });
    return {
      code: '12',
      ok: refused === undefined,
      renewalOk: refused === undefined && existing !== undefined,
      magneticMedia: 'N',
      desensitize: refused === undefined ? 'Y' : 'N',
      transactionDate: date,
      institutionId: this.data.institutionId,
      patronId: request.patronId,
      itemId: request.itemId,
      titleId: item?.title ?? '',
      ...(due ? { dueDate: due } : {}),
      ...(refused ? { screenMessage: [refused] } : {}),
    };
  }
}
