/**
 * Read-side queries: the tap path of a validator, a library patron check, a form template.
 * Each reads the active generation through `dataset_state` in the same statement, so a lookup
 * sees one version, never a half-applied one. Works on a read-only connection (another thread)
 * as well as on the writer's. EXPLAIN QUERY PLAN of every query is asserted in lookups.test.ts.
 */
import {
  ALLOWANCE_PERIODS,
  type AllowancePeriod,
  type DatasetName,
} from '../../shared/contracts/sync/datasets.ts';
import type { Json } from '../../shared/contracts/sync/canonical.ts';
import { jstDate, periodKey } from '../../shared/contracts/sync/periods.ts';
import type { ReadableDb, Statement } from './db.ts';
import { guard, StoreError } from './errors.ts';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A row read back is checked again, cheaply: a damaged file (a flipped bit, a hand edit) must
 * give a typed error the tap path turns into "see the driver", not a wrong discount.
 */
function checkedEntitlement(row: Entitlement | undefined): Entitlement | undefined {
  if (row === undefined) return undefined;
  const ok =
    typeof row.riderCategory === 'string' &&
    row.riderCategory.length > 0 &&
    ISO_DATE.test(row.validFrom) &&
    ISO_DATE.test(row.validTo) &&
    (row.ridesPerPeriod === null ||
      (Number.isInteger(row.ridesPerPeriod) && row.ridesPerPeriod >= 0)) &&
    (ALLOWANCE_PERIODS as readonly string[]).includes(row.period);
  if (!ok)
    throw new StoreError('store/row-invalid', 'an entitlement row in the local store is damaged');
  return row;
}

export interface Entitlement {
  readonly riderCategory: string;
  readonly validFrom: string;
  readonly validTo: string;
  readonly ridesPerPeriod: number | null;
  readonly period: AllowancePeriod;
}

export interface Denial {
  readonly reason: string;
  readonly since: string;
}

/** What the validator needs to decide a tap, all from local data. */
export interface TokenStatus {
  readonly entitlement: Entitlement | undefined;
  /** Whether `at` falls within validFrom..validTo (JST dates). */
  readonly valid: boolean;
  readonly denied: Denial | undefined;
  /** Present for an entitlement with an allowance. */
  readonly allowance:
    | {
        readonly periodKey: string;
        readonly ridesPerPeriod: number;
        /** Counted by the backend across all vehicles, as of the last ride-usage version. */
        readonly usedReconciled: number;
        /** Taken on this device and not yet in the backend's counts. */
        readonly usedHereSince: number;
        readonly remaining: number;
      }
    | undefined;
}

/** The hot queries, exported for the query-plan test. */
export const LOOKUP_SQL = {
  entitlement: `SELECT e.rider_category AS riderCategory, e.valid_from AS validFrom, e.valid_to AS validTo,
                       e.rides_per_period AS ridesPerPeriod, e.period
                  FROM dataset_state s JOIN entitlements e ON e.gen = s.active_gen AND e.token_hash = ?
                 WHERE s.name = 'entitlements'`,
  denied: `SELECT d.reason, d.since
             FROM dataset_state s JOIN deny_list d ON d.gen = s.active_gen AND d.token_hash = ?
            WHERE s.name = 'deny-list'`,
  document: `SELECT d.value
               FROM dataset_state s JOIN documents d ON d.gen = s.active_gen AND d.key = ?
              WHERE s.name = ?`,
  usage: `SELECT u.used
            FROM dataset_state s JOIN ride_usage u
              ON u.gen = s.active_gen AND u.token_hash = ? AND u.period_key = ?
           WHERE s.name = 'ride-usage'`,
  cursor: `SELECT c.through_seq AS throughSeq
             FROM dataset_state s JOIN ride_usage_cursor c ON c.gen = s.active_gen AND c.device_id = ?
            WHERE s.name = 'ride-usage'`,
  localRides: `SELECT count(*) AS n FROM local_rides
                WHERE token_hash = ? AND period_key = ? AND device_seq > ?`,
} as const;

export class Lookups {
  private readonly s: Record<keyof typeof LOOKUP_SQL, Statement>;

  constructor(db: ReadableDb) {
    this.s = guard('preparing lookups', () => ({
      entitlement: db.prepare(LOOKUP_SQL.entitlement),
      denied: db.prepare(LOOKUP_SQL.denied),
      document: db.prepare(LOOKUP_SQL.document),
      usage: db.prepare(LOOKUP_SQL.usage),
      cursor: db.prepare(LOOKUP_SQL.cursor),
      localRides: db.prepare(LOOKUP_SQL.localRides),
    }));
  }

  entitlement(tokenHash: Uint8Array): Entitlement | undefined {
    return checkedEntitlement(
      guard(
        'looking up an entitlement',
        () => this.s.entitlement.get(tokenHash) as Entitlement | undefined,
      ),
    );
  }

  denied(tokenHash: Uint8Array): Denial | undefined {
    return guard(
      'looking up the deny list',
      () => this.s.denied.get(tokenHash) as Denial | undefined,
    );
  }

  /** A document of fares, patrons, forms or config, parsed. */
  document(
    dataset: Extract<DatasetName, 'fares' | 'patrons' | 'forms' | 'config'>,
    key: string,
  ): Json | undefined {
    const row = guard(
      'looking up a document',
      () => this.s.document.get(key, dataset) as { value: string } | undefined,
    );
    return row === undefined ? undefined : (JSON.parse(row.value) as Json);
  }

  /**
   * Everything a tap decision needs for one token: entitlement, validity on the JST date of
   * `atMs`, deny-list entry, and the allowance left — the backend's reconciled count for the
   * period plus this device's rides the backend had not counted yet.
   */
  tokenStatus(tokenHash: Uint8Array, atMs: number, deviceId: string): TokenStatus {
    const entitlement = this.entitlement(tokenHash);
    const denied = this.denied(tokenHash);
    const today = jstDate(atMs);
    const valid =
      entitlement !== undefined && entitlement.validFrom <= today && today <= entitlement.validTo;
    if (!entitlement || entitlement.ridesPerPeriod === null) {
      return { entitlement, valid, denied, allowance: undefined };
    }
    const key = periodKey(entitlement.period, atMs);
    return guard('counting rides', () => {
      const used = (this.s.usage.get(tokenHash, key) as { used: number } | undefined)?.used ?? 0;
      const through =
        (this.s.cursor.get(deviceId) as { throughSeq: number } | undefined)?.throughSeq ?? 0;
      const here = (this.s.localRides.get(tokenHash, key, through) as { n: number }).n;
      const ridesPerPeriod = entitlement.ridesPerPeriod ?? 0;
      return {
        entitlement,
        valid,
        denied,
        allowance: {
          periodKey: key,
          ridesPerPeriod,
          usedReconciled: used,
          usedHereSince: here,
          remaining: Math.max(0, ridesPerPeriod - used - here),
        },
      };
    });
  }
}
