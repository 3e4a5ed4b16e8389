/**
 * Ride allowances spent offline on several vehicles. Validators decide taps from local data,
 * so a rider with one ride left can use it on two buses that are both offline. The backend
 * sees every subsidised ride once it is uploaded; it reports allowances overspent per period
 * and publishes the counts (with how far it has read each validator) as the `ride-usage`
 * dataset, so every validator learns about rides taken on the others.
 */
import type { RideUsageRow } from '../../shared/contracts/sync/datasets.ts';
import { periodKey } from '../../shared/contracts/sync/periods.ts';
import type { WritableDb } from '../../kiosk/store/db.ts';

export interface Overspend {
  readonly tokenHash: string;
  readonly periodKey: string;
  readonly allowance: number;
  readonly used: number;
  readonly excess: number;
  readonly devices: readonly string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Tokens whose subsidised rides in a period exceed their current allowance. */
export function reconcile(db: WritableDb, period?: string): Overspend[] {
  const rows = db
    .prepare(
      `SELECT r.token_hash AS tokenHash, r.period_key AS periodKey, count(*) AS used,
              group_concat(DISTINCT r.device_id) AS devices,
              json_extract(d.row, '$.ridesPerPeriod') AS allowance
         FROM rides r
         LEFT JOIN dataset_rows d ON d.dataset = 'entitlements' AND d.key = r.token_hash
        WHERE (@period IS NULL OR r.period_key = @period)
        GROUP BY r.token_hash, r.period_key
       HAVING allowance IS NOT NULL AND used > allowance
        ORDER BY r.period_key, r.token_hash`,
    )
    .all({ period: period ?? null }) as {
    tokenHash: string;
    periodKey: string;
    used: number;
    devices: string;
    allowance: number;
  }[];
  return rows.map((r) => ({
    tokenHash: r.tokenHash,
    periodKey: r.periodKey,
    allowance: r.allowance,
    used: r.used,
    excess: r.used - r.allowance,
    devices: r.devices.split(',').sort(),
  }));
}

/** The period keys a validator may be counting in at `now` (and just before, for clock drift). */
export function livePeriodKeys(now: number): string[] {
  const keys = new Set<string>();
  for (const t of [now, now - DAY_MS]) {
    keys.add(periodKey('day', t));
    keys.add(periodKey('month', t));
    keys.add(periodKey('fiscal-year', t));
  }
  return [...keys];
}

/**
 * The `ride-usage` rows: counts for the live periods and each validator's cursor, read in one
 * transaction so the counts include exactly the rides up to each cursor.
 */
export function usageRows(db: WritableDb, now: number): RideUsageRow[] {
  const keys = livePeriodKeys(now);
  return db.transaction(() => {
    const counts = db
      .prepare(
        `SELECT token_hash AS tokenHash, period_key AS periodKey, count(*) AS used FROM rides
          WHERE period_key IN (SELECT value FROM json_each(?)) GROUP BY period_key, token_hash`,
      )
      .all(JSON.stringify(keys)) as { tokenHash: string; periodKey: string; used: number }[];
    const cursors = db
      .prepare(
        `SELECT d.device_id AS deviceId,
                coalesce((SELECT max(e.device_seq) FROM events e WHERE e.device_id = d.device_id), 0) AS throughSeq
           FROM devices d WHERE d.role = 'validator' ORDER BY d.device_id`,
      )
      .all() as { deviceId: string; throughSeq: number }[];
    return [
      ...counts.map((c) => ({ kind: 'count' as const, ...c })),
      ...cursors.map((c) => ({ kind: 'cursor' as const, ...c })),
    ];
  })();
}
