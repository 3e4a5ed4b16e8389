import type { FareTable } from '../../shared/contracts/fares.ts';

/**
 * Prices one boarding from a fare table (shared/contracts/fares.ts): GTFS Fares v2 leg rules
 * by network, boarding area and timeframe with rule priority, the rider category's product,
 * municipal discounts, transfers from the same rider's earlier leg, and subsidised ride
 * allowances. Pure: time comes in with the leg, the allowance from the caller's lookup.
 */
export interface Leg {
  /** Boarding time, epoch ms. */
  readonly at: number;
  readonly routeId: string;
  readonly stopId?: string | undefined;
}

/** The same rider's previous leg on this device, for transfer rules. */
export interface PriorLeg {
  readonly at: number;
  readonly legGroupId: string | undefined;
  readonly paidYen: number;
}

export interface FareQuery {
  readonly leg: Leg;
  /** The rider's category; undefined or unknown → the table's default category. */
  readonly category: string | undefined;
  /** Subsidised rides left before this one; undefined when the rider has no allowance. */
  readonly allowanceRemaining?: number | undefined;
  readonly previous?: PriorLeg | undefined;
}

export interface Bilingual {
  readonly ja: string;
  readonly en: string;
}

export type FareReasonCode =
  | 'standard-fare'
  | 'category-fare'
  | 'category-discount'
  | 'allowance-used'
  | 'allowance-exhausted'
  | 'transfer';

export interface FareResult {
  readonly ok: true;
  readonly fareYen: number;
  /** The default category's fare for this leg, before anything else applied. */
  readonly baseFareYen: number;
  readonly discountYen: number;
  readonly categoryId: string;
  readonly categoryName: Bilingual;
  readonly productId: string;
  readonly legGroupId: string | undefined;
  readonly subsidised: boolean;
  /** Subsidised rides left after this one (allowance riders only). */
  readonly allowanceLeft: number | undefined;
  readonly transfer: boolean;
  readonly reason: { readonly code: FareReasonCode } & Bilingual;
}

export interface FareRefusal {
  readonly ok: false;
  readonly reason: { readonly code: 'no-fare-rule' } & Bilingual;
}

const JST_MS = 9 * 3_600_000;
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** Minutes since JST midnight and the JST weekday of an instant. */
function jstClock(at: number): { minutes: number; day: (typeof DAY_NAMES)[number] } {
  const d = new Date(at + JST_MS);
  return {
    minutes: d.getUTCHours() * 60 + d.getUTCMinutes(),
    day: DAY_NAMES[d.getUTCDay()] as (typeof DAY_NAMES)[number],
  };
}

const toMinutes = (hhmm: string): number =>
  Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** A fare table with its lookups indexed once; reuse it for every tap. */
export class FareEngine {
  private readonly networkOf: ReadonlyMap<string, string>;
  private readonly areaOf: ReadonlyMap<string, string>;
  private readonly defaultCategory: FareTable['riderCategories'][number];

  constructor(readonly table: FareTable) {
    this.networkOf = new Map(table.routeNetworks.map((r) => [r.routeId, r.networkId]));
    this.areaOf = new Map(table.stopAreas.map((s) => [s.stopId, s.areaId]));
    this.defaultCategory =
      table.riderCategories.find((c) => c.isDefault) ??
      (table.riderCategories[0] as FareTable['riderCategories'][number]);
  }

  private inTimeframe(groupId: string, at: number): boolean {
    const { minutes, day } = jstClock(at);
    return this.table.timeframes.some((f) => {
      if (f.groupId !== groupId || !f.days.includes(day)) return false;
      const start = toMinutes(f.start);
      const end = f.end === '00:00' ? 24 * 60 : toMinutes(f.end);
      return start <= minutes && minutes < end;
    });
  }

  /** The leg rule that applies: the highest rule priority among the matches, first listed on a tie. */
  private legRule(leg: Leg): FareTable['fareLegRules'][number] | undefined {
    const network = this.networkOf.get(leg.routeId);
    const area = leg.stopId === undefined ? undefined : this.areaOf.get(leg.stopId);
    let best: FareTable['fareLegRules'][number] | undefined;
    for (const r of this.table.fareLegRules) {
      if (r.networkId !== undefined && r.networkId !== network) continue;
      if (r.fromAreaId !== undefined && r.fromAreaId !== area) continue;
      if (r.fromTimeframeGroupId !== undefined && !this.inTimeframe(r.fromTimeframeGroupId, leg.at))
        continue;
      if (!best || r.rulePriority > best.rulePriority) best = r;
    }
    return best;
  }

  /** The product of `productId` for the category: its own, else the default category's or a generic one. */
  private product(
    productId: string,
    categoryId: string,
  ): { amount: number; own: boolean } | undefined {
    const candidates = this.table.fareProducts.filter((p) => p.id === productId);
    const own = candidates.find((p) => p.riderCategoryId === categoryId);
    if (own) return { amount: own.amount, own: true };
    const base =
      candidates.find((p) => p.riderCategoryId === this.defaultCategory.id) ??
      candidates.find((p) => p.riderCategoryId === undefined);
    return base ? { amount: base.amount, own: categoryId === this.defaultCategory.id } : undefined;
  }

  price(query: FareQuery): FareResult | FareRefusal {
    const category =
      this.table.riderCategories.find((c) => c.id === query.category) ?? this.defaultCategory;
    const rule = this.legRule(query.leg);
    const base = rule && this.product(rule.fareProductId, this.defaultCategory.id);
    const mine = rule && this.product(rule.fareProductId, category.id);
    if (!rule || !base || !mine) {
      return {
        ok: false,
        reason: {
          code: 'no-fare-rule',
          ja: '運賃が設定されていません',
          en: 'No fare is set for this ride',
        },
      };
    }
    let fare = mine.amount;
    let reason: FareResult['reason'] =
      category.id === this.defaultCategory.id
        ? { code: 'standard-fare', ja: '普通運賃', en: 'Standard fare' }
        : { code: 'category-fare', ...category.name };
    const discount = this.table.municipal.discounts.find((d) => d.riderCategoryId === category.id);
    if (!mine.own && discount) {
      fare =
        discount.kind === 'free'
          ? 0
          : discount.kind === 'fixed-fare'
            ? Math.min(fare, discount.value)
            : roundUpTo10((fare * (100 - Math.min(100, discount.value))) / 100);
      reason = { code: 'category-discount', ...discount.label };
    }
    let transfer = false;
    const t = this.transferRule(query, rule.legGroupId);
    if (t) {
      const ab = t.fareProductId ? (this.product(t.fareProductId, category.id)?.amount ?? 0) : 0;
      const charged =
        t.fareTransferType === 0
          ? ab
          : t.fareTransferType === 1
            ? ab + fare
            : Math.max(0, ab - (query.previous?.paidYen ?? 0));
      fare = Math.min(fare, charged);
      transfer = true;
      reason = { code: 'transfer', ja: '乗継割引', en: 'Transfer' };
    }
    let subsidised = false;
    let allowanceLeft: number | undefined;
    const scheme = this.table.municipal.allowance;
    if (query.allowanceRemaining !== undefined && scheme) {
      if (fare > 0 && query.allowanceRemaining > 0) {
        fare =
          scheme.kind === 'free'
            ? 0
            : scheme.kind === 'yen-off'
              ? Math.max(0, fare - scheme.value)
              : Math.min(fare, scheme.value);
        subsidised = true;
        allowanceLeft = query.allowanceRemaining - 1;
        reason = { code: 'allowance-used', ja: scheme.label.ja, en: scheme.label.en };
      } else {
        allowanceLeft = Math.max(0, query.allowanceRemaining);
        if (fare > 0) {
          reason = {
            code: 'allowance-exhausted',
            ja: '助成回数を使い切りました',
            en: 'No subsidised rides left this period',
          };
        }
      }
    }
    return {
      ok: true,
      fareYen: fare,
      baseFareYen: base.amount,
      discountYen: Math.max(0, base.amount - fare),
      categoryId: category.id,
      categoryName: category.name,
      productId: rule.fareProductId,
      legGroupId: rule.legGroupId,
      subsidised,
      allowanceLeft,
      transfer,
      reason,
    };
  }

  private transferRule(
    query: FareQuery,
    toGroup: string | undefined,
  ): FareTable['fareTransferRules'][number] | undefined {
    const prev = query.previous;
    if (!prev || prev.legGroupId === undefined || toGroup === undefined) return undefined;
    const elapsed = query.leg.at - prev.at;
    if (elapsed < 0) return undefined;
    return this.table.fareTransferRules.find(
      (r) =>
        r.fromLegGroupId === prev.legGroupId &&
        r.toLegGroupId === toGroup &&
        elapsed <= r.durationLimitSec * 1000,
    );
  }
}

/** Japanese fare practice: a fraction of 10 yen is rounded up (端数は10円単位に切り上げ). */
export function roundUpTo10(yen: number): number {
  return Math.ceil(Math.round(yen * 100) / 1000) * 10;
}
