/**
 * Administration of the reference backend, used by its command line (main.ts): register and
 * revoke devices, import registrants, publish deny lists and documents, reconcile rides. Each
 * function returns a JSON-ready result; none prints.
 */
import { readFileSync } from 'node:fs';
import {
  DATASET_NAMES,
  type DatasetName,
  type DocumentRow,
} from '../../shared/contracts/sync/datasets.ts';
import {
  DEVICE_ROLES,
  DeviceIdSchema,
  type DeviceRole,
} from '../../shared/contracts/sync/events.ts';
import { jstDate } from '../../shared/contracts/sync/periods.ts';
import type { Clock } from '../../shared/clock.ts';
import type { WritableDb } from '../../kiosk/store/db.ts';
import { publicKeyFromBase64 } from '../../kiosk/crypto.ts';
import { decodeCsv, type CsvEncoding } from './csv.ts';
import type { DatasetPublisher, PublishReport } from './datasets.ts';
import { BackendError } from './errors.ts';
import type { BackendKeys } from './keys.ts';
import { importPatrons } from './patrons.ts';
import { importDenyList, importRegistrants, type ImportResult } from './registrants.ts';
import { importResidents, ResidentRegister } from './residents.ts';
import { reconcile, usageRows, type Overspend } from './rides.ts';

export interface Admin {
  readonly db: WritableDb;
  readonly publisher: DatasetPublisher;
  readonly keys: BackendKeys;
  readonly clock: Clock;
}

export interface DeviceRecord {
  readonly deviceId: string;
  readonly role: DeviceRole;
  readonly publicKey: string;
  readonly status: 'active' | 'revoked';
  readonly registeredAt: string;
}

export function addDevice(
  a: Admin,
  deviceId: string,
  role: string,
  publicKey: string,
): DeviceRecord {
  if (!DeviceIdSchema.safeParse(deviceId).success)
    throw new BackendError('backend/usage', 'not a valid device id');
  const r = DEVICE_ROLES.find((x) => x === role);
  if (!r) throw new BackendError('backend/usage', `role must be one of ${DEVICE_ROLES.join(', ')}`);
  if (!publicKeyFromBase64(publicKey)) {
    throw new BackendError(
      'backend/usage',
      'the public key must be 32 bytes of Ed25519 key in base64 (kazasu sync identity)',
    );
  }
  const now = a.clock.now();
  const changes = a.db
    .prepare(
      `INSERT INTO devices (device_id, role, public_key, registered_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (device_id) DO UPDATE SET role = excluded.role, public_key = excluded.public_key,
         status = 'active', registered_at = excluded.registered_at
       WHERE devices.status = 'revoked'`,
    )
    .run(deviceId, r, publicKey, now).changes;
  if (changes === 0)
    throw new BackendError(
      'backend/device-exists',
      `device ${deviceId} is registered already (revoke it first)`,
    );
  return {
    deviceId,
    role: r,
    publicKey,
    status: 'active',
    registeredAt: new Date(now).toISOString(),
  };
}

export function listDevices(a: Admin): DeviceRecord[] {
  return (
    a.db
      .prepare(
        `SELECT device_id AS deviceId, role, public_key AS publicKey, status, registered_at AS at FROM devices ORDER BY device_id`,
      )
      .all() as (Omit<DeviceRecord, 'registeredAt'> & { at: number })[]
  ).map(({ at, ...d }) => ({ ...d, registeredAt: new Date(at).toISOString() }));
}

export function revokeDevice(a: Admin, deviceId: string): { deviceId: string; revoked: boolean } {
  const changes = a.db
    .prepare(`UPDATE devices SET status = 'revoked' WHERE device_id = ? AND status = 'active'`)
    .run(deviceId).changes;
  return { deviceId, revoked: changes === 1 };
}

function checked<R>(result: ImportResult<R>): R[] {
  if (result.problems.length > 0) {
    throw new BackendError(
      'backend/csv-invalid',
      `${result.problems.length} problem(s) in the CSV; nothing was published`,
      {
        details: { problems: result.problems.slice(0, 100) },
      },
    );
  }
  return result.rows;
}

export function importRegistrantsCsv(
  a: Admin,
  file: string,
  encoding: CsvEncoding,
): PublishReport & { ignoredColumns: string[] } {
  const result = importRegistrants(decodeCsv(readFileSync(file), encoding), a.keys.fleetKey);
  const rows = checked(result);
  return { ...a.publisher.publish('entitlements', rows), ignoredColumns: result.ignoredColumns };
}

/** Publishes the library's card linkage as the `patrons` dataset (scripts/backend/patrons.ts). */
export function importPatronsCsv(
  a: Admin,
  file: string,
  encoding: CsvEncoding,
): PublishReport & { patrons: number; blocked: number; ignoredColumns: string[] } {
  const result = importPatrons(decodeCsv(readFileSync(file), encoding), a.keys.fleetKey);
  const rows = checked(result);
  return {
    ...a.publisher.publish('patrons', rows),
    patrons: result.patrons,
    blocked: result.blocked,
    ignoredColumns: result.ignoredColumns,
  };
}

/**
 * Replaces the resident register the counters look residents up in (the municipality's whole
 * export each time). Nothing is replaced when any line has a problem.
 */
export function importResidentsCsv(
  a: Admin,
  file: string,
  encoding: CsvEncoding,
): { residents: number; households: number; withMyNumber: number; ignoredColumns: string[] } {
  const result = importResidents(decodeCsv(readFileSync(file), encoding), a.keys.fleetKey);
  const rows = checked(result);
  const counts = new ResidentRegister(a.db, a.keys.fleetKey).replace(rows, a.clock.now());
  return {
    ...counts,
    withMyNumber: rows.filter((r) => r.myNumberHmac !== undefined).length,
    ignoredColumns: result.ignoredColumns,
  };
}

export function publishDenyListCsv(a: Admin, file: string, encoding: CsvEncoding): PublishReport {
  const result = importDenyList(
    decodeCsv(readFileSync(file), encoding),
    a.keys.fleetKey,
    jstDate(a.clock.now()),
  );
  return a.publisher.publish('deny-list', checked(result));
}

/** Publishes a JSON object `{ key: value, … }` as the documents of fares, patrons, forms or config. */
export function publishDocuments(a: Admin, dataset: string, file: string): PublishReport {
  const name = DATASET_NAMES.find(
    (n): n is Extract<DatasetName, 'fares' | 'patrons' | 'forms' | 'config'> =>
      ['fares', 'patrons', 'forms', 'config'].includes(n) && n === dataset,
  );
  if (!name)
    throw new BackendError('backend/usage', 'documents go to fares, patrons, forms or config');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new BackendError('backend/bad-request', `${file} is not JSON`, { cause: error });
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new BackendError('backend/bad-request', 'documents are a JSON object of key → value');
  }
  const rows: DocumentRow[] = Object.entries(json as Record<string, DocumentRow['value']>).map(
    ([key, value]) => ({ key, value }),
  );
  return a.publisher.publish(name, rows);
}

export function publishRideUsage(a: Admin): PublishReport {
  return a.publisher.publish('ride-usage', usageRows(a.db, a.clock.now()));
}

export function reconcileRides(a: Admin, period?: string): { overspent: Overspend[] } {
  return { overspent: reconcile(a.db, period) };
}

export function countEvents(a: Admin, deviceId?: string): { events: number; devices: number } {
  const r = a.db
    .prepare(
      `SELECT count(*) AS events, count(DISTINCT device_id) AS devices FROM events WHERE @device IS NULL OR device_id = @device`,
    )
    .get({ device: deviceId ?? null }) as { events: number; devices: number };
  return r;
}
