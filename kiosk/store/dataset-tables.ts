/**
 * How each dataset's rows are held: one table (or two) per dataset family, every row tagged
 * with its generation. Static SQL only; values are always bound parameters.
 */
import type {
  AnyDatasetRow,
  DatasetName,
  DenyRow,
  DocumentRow,
  EntitlementRow,
  RideUsageRow,
} from '../../shared/contracts/sync/datasets.ts';
import type { WritableDb } from './db.ts';
import { StoreError } from './errors.ts';

export interface TableOps {
  /** Inserts a row into a generation being built; a repeated key is `store/row-invalid`. */
  insert(gen: number, row: AnyDatasetRow): void;
  /** Inserts many rows of a generation being built (faster than one by one where offered). */
  insertMany(gen: number, rows: readonly AnyDatasetRow[]): void;
  /** Inserts or replaces; true when the key was new. */
  upsert(gen: number, row: AnyDatasetRow): boolean;
  /** Deletes by key; true when a row went. */
  del(gen: number, key: string): boolean;
  /** Deletes up to `limit` rows of a generation; returns how many. */
  clear(gen: number, limit: number): number;
}

const HASH_HEX = /^[0-9a-f]{64}$/;

function hashKey(key: string): Buffer {
  if (!HASH_HEX.test(key))
    throw new StoreError('store/row-invalid', 'a token-hash key that is not 64 hex digits');
  return Buffer.from(key, 'hex');
}

function keyed(
  db: WritableDb,
  sql: { insert: string; update: string; del: string; clear: string },
) {
  return {
    insert: db.prepare(sql.insert),
    insertOrIgnore: db.prepare(sql.insert.replace(/^INSERT/, 'INSERT OR IGNORE')),
    update: db.prepare(sql.update),
    del: db.prepare(sql.del),
    clear: db.prepare(sql.clear),
  };
}

function opsOf<R extends AnyDatasetRow>(
  s: ReturnType<typeof keyed>,
  insertArgs: (gen: number, row: R) => unknown[],
  updateArgs: (gen: number, row: R) => unknown[],
  keyArgs: (key: string) => unknown[],
): TableOps {
  return {
    insert: (gen, row) => void s.insert.run(...insertArgs(gen, row as R)),
    insertMany: (gen, rows) => {
      for (const row of rows) s.insert.run(...insertArgs(gen, row as R));
    },
    upsert: (gen, row) => {
      if (s.insertOrIgnore.run(...insertArgs(gen, row as R)).changes === 1) return true;
      s.update.run(...updateArgs(gen, row as R));
      return false;
    },
    del: (gen, key) => s.del.run(gen, ...keyArgs(key)).changes === 1,
    clear: (gen, limit) => s.clear.run(gen, gen, limit).changes,
  };
}

/** Rows per multi-row INSERT of a snapshot: one call into SQLite instead of 64. */
const INSERT_BATCH = 64;
const ENTITLEMENT_COLUMNS = 7;

function entitlementOps(db: WritableDb): TableOps {
  const values = Array.from(
    { length: INSERT_BATCH },
    () => `(${Array(ENTITLEMENT_COLUMNS).fill('?').join(', ')})`,
  );
  const batch = db.prepare(
    `INSERT INTO entitlements (gen, token_hash, rider_category, valid_from, valid_to, rides_per_period, period)
     VALUES ${values.join(', ')}`,
  );
  const ops = entitlementRowOps(db);
  const params: unknown[] = new Array<unknown>(INSERT_BATCH * ENTITLEMENT_COLUMNS);
  return {
    ...ops,
    insertMany: (gen, rows) => {
      let i = 0;
      for (; i + INSERT_BATCH <= rows.length; i += INSERT_BATCH) {
        for (let k = 0; k < INSERT_BATCH; k += 1) {
          const r = rows[i + k] as EntitlementRow;
          const p = k * ENTITLEMENT_COLUMNS;
          params[p] = gen;
          params[p + 1] = Buffer.from(r.tokenHash, 'hex');
          params[p + 2] = r.riderCategory;
          params[p + 3] = r.validFrom;
          params[p + 4] = r.validTo;
          params[p + 5] = r.ridesPerPeriod;
          params[p + 6] = r.period;
        }
        batch.run(params);
      }
      ops.insertMany(gen, rows.slice(i));
    },
  };
}

function entitlementRowOps(db: WritableDb): TableOps {
  const s = keyed(db, {
    insert: `INSERT INTO entitlements (gen, token_hash, rider_category, valid_from, valid_to, rides_per_period, period)
             VALUES (?, ?, ?, ?, ?, ?, ?)`,
    update: `UPDATE entitlements SET rider_category = ?, valid_from = ?, valid_to = ?, rides_per_period = ?, period = ?
             WHERE gen = ? AND token_hash = ?`,
    del: `DELETE FROM entitlements WHERE gen = ? AND token_hash = ?`,
    clear: `DELETE FROM entitlements WHERE gen = ? AND token_hash IN
              (SELECT token_hash FROM entitlements WHERE gen = ? LIMIT ?)`,
  });
  return opsOf<EntitlementRow>(
    s,
    (gen, r) => [
      gen,
      Buffer.from(r.tokenHash, 'hex'),
      r.riderCategory,
      r.validFrom,
      r.validTo,
      r.ridesPerPeriod,
      r.period,
    ],
    (gen, r) => [
      r.riderCategory,
      r.validFrom,
      r.validTo,
      r.ridesPerPeriod,
      r.period,
      gen,
      Buffer.from(r.tokenHash, 'hex'),
    ],
    (key) => [hashKey(key)],
  );
}

function denyOps(db: WritableDb): TableOps {
  const s = keyed(db, {
    insert: `INSERT INTO deny_list (gen, token_hash, reason, since) VALUES (?, ?, ?, ?)`,
    update: `UPDATE deny_list SET reason = ?, since = ? WHERE gen = ? AND token_hash = ?`,
    del: `DELETE FROM deny_list WHERE gen = ? AND token_hash = ?`,
    clear: `DELETE FROM deny_list WHERE gen = ? AND token_hash IN
              (SELECT token_hash FROM deny_list WHERE gen = ? LIMIT ?)`,
  });
  return opsOf<DenyRow>(
    s,
    (gen, r) => [gen, Buffer.from(r.tokenHash, 'hex'), r.reason, r.since],
    (gen, r) => [r.reason, r.since, gen, Buffer.from(r.tokenHash, 'hex')],
    (key) => [hashKey(key)],
  );
}

function documentOps(db: WritableDb): TableOps {
  const s = keyed(db, {
    insert: `INSERT INTO documents (gen, key, value) VALUES (?, ?, ?)`,
    update: `UPDATE documents SET value = ? WHERE gen = ? AND key = ?`,
    del: `DELETE FROM documents WHERE gen = ? AND key = ?`,
    clear: `DELETE FROM documents WHERE gen = ? AND key IN (SELECT key FROM documents WHERE gen = ? LIMIT ?)`,
  });
  return opsOf<DocumentRow>(
    s,
    (gen, r) => [gen, r.key, JSON.stringify(r.value)],
    (gen, r) => [JSON.stringify(r.value), gen, r.key],
    (key) => [key],
  );
}

/** `ride-usage` spans two tables: counts and per-device cursors. */
function rideUsageOps(db: WritableDb): TableOps {
  const counts = keyed(db, {
    insert: `INSERT INTO ride_usage (gen, token_hash, period_key, used) VALUES (?, ?, ?, ?)`,
    update: `UPDATE ride_usage SET used = ? WHERE gen = ? AND token_hash = ? AND period_key = ?`,
    del: `DELETE FROM ride_usage WHERE gen = ? AND token_hash = ? AND period_key = ?`,
    clear: `DELETE FROM ride_usage WHERE gen = ? AND (token_hash, period_key) IN
              (SELECT token_hash, period_key FROM ride_usage WHERE gen = ? LIMIT ?)`,
  });
  const cursors = keyed(db, {
    insert: `INSERT INTO ride_usage_cursor (gen, device_id, through_seq) VALUES (?, ?, ?)`,
    update: `UPDATE ride_usage_cursor SET through_seq = ? WHERE gen = ? AND device_id = ?`,
    del: `DELETE FROM ride_usage_cursor WHERE gen = ? AND device_id = ?`,
    clear: `DELETE FROM ride_usage_cursor WHERE gen = ? AND device_id IN
              (SELECT device_id FROM ride_usage_cursor WHERE gen = ? LIMIT ?)`,
  });
  type Count = Extract<RideUsageRow, { kind: 'count' }>;
  type Cursor = Extract<RideUsageRow, { kind: 'cursor' }>;
  const countOps = opsOf<Count>(
    counts,
    (gen, r) => [gen, Buffer.from(r.tokenHash, 'hex'), r.periodKey, r.used],
    (gen, r) => [r.used, gen, Buffer.from(r.tokenHash, 'hex'), r.periodKey],
    (key) => {
      const [, hash = '', period = ''] = key.split('/');
      return [hashKey(hash), period];
    },
  );
  const cursorOps = opsOf<Cursor>(
    cursors,
    (gen, r) => [gen, r.deviceId, r.throughSeq],
    (gen, r) => [r.throughSeq, gen, r.deviceId],
    (key) => [key.slice('cursor/'.length)],
  );
  const pick = (row: AnyDatasetRow): TableOps =>
    'kind' in row && row.kind === 'cursor' ? cursorOps : countOps;
  const pickKey = (key: string): TableOps => {
    if (key.startsWith('cursor/')) return cursorOps;
    if (key.startsWith('count/')) return countOps;
    throw new StoreError(
      'store/row-invalid',
      'a ride-usage key that is neither count/… nor cursor/…',
    );
  };
  return {
    insert: (gen, row) => pick(row).insert(gen, row),
    insertMany: (gen, rows) => {
      for (const row of rows) pick(row).insert(gen, row);
    },
    upsert: (gen, row) => pick(row).upsert(gen, row),
    del: (gen, key) => pickKey(key).del(gen, key),
    clear: (gen, limit) => {
      const n = countOps.clear(gen, limit);
      return n + cursorOps.clear(gen, limit - n);
    },
  };
}

export function datasetTables(db: WritableDb): Readonly<Record<DatasetName, TableOps>> {
  const documents = documentOps(db);
  return {
    entitlements: entitlementOps(db),
    'deny-list': denyOps(db),
    'ride-usage': rideUsageOps(db),
    fares: documents,
    patrons: documents,
    forms: documents,
    config: documents,
  };
}
