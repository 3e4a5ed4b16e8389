import type { RidePayload } from '../../shared/contracts/sync/rides.ts';
import { periodKey } from '../../shared/contracts/sync/periods.ts';
import type { TokenStatus } from '../store/lookups.ts';
import type { Bilingual, FareEngine, FareResult, PriorLeg } from './fare-engine.ts';

/**
 * The decision for one tap, from local data only (pure; the service does the I/O around it):
 * identity → deny list → entitlement and its validity → data freshness → duplicate window →
 * fare (category, transfer, allowance with the offline overrun bound). Every path ends in a
 * decision with a reason in Japanese and English; nothing here throws.
 */
export type TapIdentity =
  /** A transit IC card or My Number Card, as the keyed hash of its identifier. */
  | { readonly kind: 'felica' | 'my-number'; readonly tokenHash: string }
  /** A card that is neither (no identifier we may use). */
  | { readonly kind: 'unknown' }
  /** The card could not be read to the end (pulled, malformed answer): tap again. */
  | { readonly kind: 'unreadable'; readonly code: string };

export type TapOutcome = 'accepted' | 'already-validated' | 'tap-again' | 'see-driver';

export type TapReasonCode =
  | FareResult['reason']['code']
  | 'unknown-card'
  | 'no-entitlement'
  | 'entitlement-not-valid'
  | 'denied'
  | 'already-validated'
  | 'card-read-failed'
  | 'data-stale-full-fare'
  | 'no-fare-rule'
  | 'fares-missing'
  | 'data-error'
  | 'allowance-offline-limit'
  | 'record-failed';

export interface ValidatorPolicy {
  readonly routeId: string;
  readonly stopId?: string | undefined;
  /** A second tap of the same card within this window is "already validated". */
  readonly duplicateWindowMs: number;
  /** Entitlement data older than this is stale. */
  readonly maxDataAgeMs: number;
  /** Stale data: apply discounts and flag the ride, or charge the full fare. */
  readonly stalePolicy: 'accept-and-flag' | 'full-fare';
  /**
   * Subsidised rides this vehicle grants one rider per period beyond what the backend has
   * counted: the most a rider's allowance can overrun through this vehicle while offline.
   */
  readonly overrunBound: number;
}

export interface TapInput {
  readonly at: number;
  readonly identity: TapIdentity;
  /** From the store, for identified cards; undefined when the lookup failed (data error). */
  readonly status?: TokenStatus | undefined;
  readonly lookupFailed?: boolean;
  /** When this card last tapped here (duplicate window) and its leg then (transfers). */
  readonly lastTap?: { readonly at: number; readonly leg: PriorLeg } | undefined;
  /** Age of the entitlement data; undefined = never received. */
  readonly dataAgeMs: number | undefined;
  readonly fares: FareEngine | undefined;
  readonly policy: ValidatorPolicy;
}

export interface TapDecision {
  readonly outcome: TapOutcome;
  readonly reason: { readonly code: TapReasonCode } & Bilingual;
  /** What the rider pays at this tap; undefined when nothing was priced (tap again). */
  readonly fareYen: number | undefined;
  readonly baseFareYen: number | undefined;
  readonly discountYen: number;
  readonly category: ({ readonly id: string } & Bilingual) | undefined;
  readonly subsidised: boolean;
  readonly allowanceLeft: number | undefined;
  /** The entitlement data was stale and the ride was accepted anyway (flagged). */
  readonly staleData: boolean;
  /** The ride to record (accepted and see-driver rides of identified cards). */
  readonly ride: RidePayload | undefined;
  /** This tap's leg, remembered for transfers. */
  readonly leg: PriorLeg | undefined;
}

const R = {
  unknown: { code: 'unknown-card', ja: '割引対象外のカードです', en: 'This card has no discount' },
  noEntitlement: {
    code: 'no-entitlement',
    ja: '割引の登録がありません',
    en: 'No discount registered for this card',
  },
  notValid: {
    code: 'entitlement-not-valid',
    ja: '割引の有効期間外です',
    en: 'The discount is not valid today',
  },
  denied: { code: 'denied', ja: 'このカードは使用できません', en: 'This card cannot be used' },
  duplicate: { code: 'already-validated', ja: '処理済みです', en: 'Already validated' },
  unreadable: {
    code: 'card-read-failed',
    ja: 'もう一度タッチしてください',
    en: 'Please tap again',
  },
  stale: {
    code: 'data-stale-full-fare',
    ja: 'データ更新待ちのため普通運賃',
    en: 'Data out of date: standard fare',
  },
  noRule: {
    code: 'no-fare-rule',
    ja: '運賃が設定されていません',
    en: 'No fare is set for this ride',
  },
  noFares: { code: 'fares-missing', ja: '運賃表がありません', en: 'No fare table on this vehicle' },
  dataError: { code: 'data-error', ja: '割引データを読めません', en: 'Discount data unreadable' },
  offlineLimit: {
    code: 'allowance-offline-limit',
    ja: '助成回数の確認が必要です',
    en: 'Subsidised rides need a data update',
  },
  recordFailed: {
    code: 'record-failed',
    ja: '記録できませんでした',
    en: 'The ride could not be recorded',
  },
} as const;

function base(reason: TapDecision['reason'], outcome: TapOutcome): TapDecision {
  return {
    outcome,
    reason,
    fareYen: undefined,
    baseFareYen: undefined,
    discountYen: 0,
    category: undefined,
    subsidised: false,
    allowanceLeft: undefined,
    staleData: false,
    ride: undefined,
    leg: undefined,
  };
}

export function decideTap(input: TapInput): TapDecision {
  const { identity, policy, at } = input;
  if (identity.kind === 'unreadable') return base(R.unreadable, 'tap-again');
  const leg = { at, routeId: policy.routeId, stopId: policy.stopId };
  if (!input.fares) return base(R.noFares, 'see-driver');
  const fares = input.fares;

  const priced = (
    category: string | undefined,
    allowanceRemaining: number | undefined,
    reasonOverride?: TapDecision['reason'],
  ): TapDecision => {
    const previous = input.lastTap?.leg;
    const r = fares.price({ leg, category, allowanceRemaining, previous });
    if (!r.ok) return base(R.noRule, 'see-driver');
    const reason = reasonOverride ?? r.reason;
    const decision: TapDecision = {
      outcome: 'accepted',
      reason,
      fareYen: r.fareYen,
      baseFareYen: r.baseFareYen,
      discountYen: r.discountYen,
      category: { id: r.categoryId, ...r.categoryName },
      subsidised: r.subsidised,
      allowanceLeft: r.allowanceLeft,
      staleData: false,
      ride: undefined,
      leg: { at, legGroupId: r.legGroupId, paidYen: r.fareYen },
    };
    if (identity.kind === 'unknown') return decision;
    const period =
      input.status?.allowance?.periodKey ??
      periodKey(input.status?.entitlement?.period ?? 'month', at);
    return {
      ...decision,
      ride: {
        tokenHash: identity.tokenHash,
        periodKey: period,
        subsidised: r.subsidised,
        riderCategory: r.categoryId,
        fareYen: r.fareYen,
        routeId: policy.routeId,
        ...(policy.stopId ? { stopId: policy.stopId } : {}),
      },
    };
  };

  if (identity.kind === 'unknown') return priced(undefined, undefined, R.unknown);
  if (
    input.lastTap &&
    at - input.lastTap.at >= 0 &&
    at - input.lastTap.at <= policy.duplicateWindowMs
  ) {
    return base(R.duplicate, 'already-validated');
  }
  if (input.lookupFailed || !input.status)
    return { ...priced(undefined, undefined, R.dataError), outcome: 'see-driver' };
  const status = input.status;
  if (status.denied) return { ...priced(undefined, undefined, R.denied), outcome: 'see-driver' };
  if (!status.entitlement) return priced(undefined, undefined, R.noEntitlement);
  if (!status.valid) return priced(undefined, undefined, R.notValid);

  const stale = input.dataAgeMs === undefined || input.dataAgeMs > policy.maxDataAgeMs;
  if (stale && policy.stalePolicy === 'full-fare') return priced(undefined, undefined, R.stale);

  let remaining: number | undefined;
  let offlineLimited = false;
  if (status.allowance) {
    remaining = status.allowance.remaining;
    if (remaining > 0 && status.allowance.usedHereSince >= policy.overrunBound) {
      remaining = 0;
      offlineLimited = true;
    }
  }
  const decision = priced(status.entitlement.riderCategory, remaining);
  const withLimit =
    offlineLimited &&
    decision.outcome === 'accepted' &&
    !decision.subsidised &&
    (decision.fareYen ?? 0) > 0
      ? { ...decision, reason: R.offlineLimit }
      : decision;
  return stale ? { ...withLimit, staleData: true } : withLimit;
}

/**
 * The ride as it is recorded: the decision's ride with the flags staff should see (stale data,
 * the offline overrun bound, a rider sent to the driver).
 */
export function rideToRecord(d: TapDecision): RidePayload | undefined {
  if (!d.ride) return undefined;
  const flags: NonNullable<RidePayload['flags']>[number][] = [];
  if (d.staleData) flags.push('stale-data');
  if (d.reason.code === 'allowance-offline-limit') flags.push('offline-limit');
  if (d.outcome === 'see-driver') flags.push('see-driver');
  return flags.length > 0 ? { ...d.ride, flags } : d.ride;
}

/**
 * When the tap's record could not be written (disk full, database locked): the rider goes to
 * the driver, whatever was decided, because the validator cannot vouch for a ride it did not
 * keep.
 */
export function recordFailed(d: TapDecision): TapDecision {
  return { ...d, outcome: 'see-driver', reason: R.recordFailed, ride: undefined, leg: undefined };
}
