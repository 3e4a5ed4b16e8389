/**
 * Datasets down: signed snapshots and deltas with a monotonically increasing version
 * (architecture "Sync principles"). A version is described by a manifest, which the backend
 * signs; the body it names is NDJSON (one JSON value a line) whose SHA-256 the manifest holds,
 * so a device streams a body of any size and checks it before the version becomes visible.
 */
import { z } from 'zod';
import { parseIsoDate } from '../../dates.ts';
import { DeviceIdSchema, type DeviceRole } from './events.ts';
import { HEX } from './constants.ts';

export const DATASET_NAMES = [
  'entitlements',
  'deny-list',
  'fares',
  'ride-usage',
  'patrons',
  'forms',
  'config',
] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

/** Which datasets each role downloads (and is authorised to download). */
export const DATASETS_BY_ROLE: Readonly<Record<DeviceRole, readonly DatasetName[]>> = {
  validator: ['entitlements', 'deny-list', 'fares', 'ride-usage', 'config'],
  library: ['patrons', 'deny-list', 'config'],
  counter: ['forms', 'config'],
};

const hex = (length: number, what: string) =>
  z.string().regex(new RegExp(`^[0-9a-f]{${length}}$`), {
    message: `${what}: ${length} lower-case hex digits`,
  });

export const TokenHashSchema = hex(HEX.tokenHash, 'token hash');
export const Sha256Schema = hex(HEX.sha256, 'sha256');
export const KeyIdSchema = hex(HEX.keyId, 'key id');

export const IsoDateSchema = z
  .string()
  .refine((s) => parseIsoDate(s) !== undefined, { message: 'a real YYYY-MM-DD date' });

/** GTFS-Fares-v2-style rider category ids (`senior`, `disability`, `child`, `resident` …). */
export const RiderCategorySchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, { message: 'rider category: lower-case id' });

/** `2026-11-22`, `2026-11` or `FY2026` (see periods.ts). */
export const PeriodKeySchema = z.string().regex(/^(\d{4}-\d{2}(-\d{2})?|FY\d{4})$/, {
  message: 'period key: YYYY-MM-DD, YYYY-MM or FYyyyy',
});

/** The period a ride allowance renews over; `fiscal-year` runs April–March (会計年度). */
export const ALLOWANCE_PERIODS = ['day', 'month', 'fiscal-year'] as const;
export type AllowancePeriod = (typeof ALLOWANCE_PERIODS)[number];

export const EntitlementRowSchema = z
  .strictObject({
    tokenHash: TokenHashSchema,
    riderCategory: RiderCategorySchema,
    validFrom: IsoDateSchema,
    validTo: IsoDateSchema,
    /** Subsidised rides per period; null for no limit. */
    ridesPerPeriod: z.int().min(0).max(100_000).nullable(),
    period: z.enum(ALLOWANCE_PERIODS),
  })
  .refine((r) => r.validFrom <= r.validTo, { message: 'validFrom after validTo' });
export type EntitlementRow = z.output<typeof EntitlementRowSchema>;

export const DENY_REASONS = ['lost', 'stolen', 'revoked', 'fraud', 'other'] as const;
export const DenyRowSchema = z.strictObject({
  tokenHash: TokenHashSchema,
  reason: z.enum(DENY_REASONS),
  since: IsoDateSchema,
});
export type DenyRow = z.output<typeof DenyRowSchema>;

/** Rides the backend has counted per token and period, and how far it has read each device. */
export const RideUsageRowSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('count'),
    tokenHash: TokenHashSchema,
    periodKey: PeriodKeySchema,
    used: z.int().min(0),
  }),
  z.strictObject({
    kind: z.literal('cursor'),
    deviceId: DeviceIdSchema,
    /** Every ride event of that device up to this seq is included in the counts. */
    throughSeq: z.int().min(0),
  }),
]);
export type RideUsageRow = z.output<typeof RideUsageRowSchema>;

/** Fares, patrons, forms and config: keyed JSON documents (their inner shape is their issue's). */
export const DocumentRowSchema = z.strictObject({
  key: z.string().min(1).max(128),
  value: z.json(),
});
export type DocumentRow = z.output<typeof DocumentRowSchema>;

export interface DatasetRows {
  entitlements: EntitlementRow;
  'deny-list': DenyRow;
  'ride-usage': RideUsageRow;
  fares: DocumentRow;
  patrons: DocumentRow;
  forms: DocumentRow;
  config: DocumentRow;
}
export type AnyDatasetRow = DatasetRows[DatasetName];

export const ROW_SCHEMAS: { readonly [N in DatasetName]: z.ZodType<DatasetRows[N]> } = {
  entitlements: EntitlementRowSchema,
  'deny-list': DenyRowSchema,
  'ride-usage': RideUsageRowSchema,
  fares: DocumentRowSchema,
  patrons: DocumentRowSchema,
  forms: DocumentRowSchema,
  config: DocumentRowSchema,
};

/** The key a delta's `del` names and a snapshot has at most once. */
export function rowKey(dataset: DatasetName, row: AnyDatasetRow): string {
  if ('tokenHash' in row && !('kind' in row)) return row.tokenHash;
  if ('kind' in row) {
    return row.kind === 'count'
      ? `count/${row.tokenHash}/${row.periodKey}`
      : `cursor/${row.deviceId}`;
  }
  if ('key' in row) return row.key;
  throw new TypeError(`rowKey: no key for a ${dataset} row`);
}

/** One line of a delta body. */
export type DeltaOp<R> =
  { readonly op: 'put'; readonly row: R } | { readonly op: 'del'; readonly key: string };

export function deltaOpSchema<R>(row: z.ZodType<R>): z.ZodType<DeltaOp<R>> {
  return z.discriminatedUnion('op', [
    z.strictObject({ op: z.literal('put'), row }),
    z.strictObject({ op: z.literal('del'), key: z.string().min(1).max(160) }),
  ]);
}

export const DATASET_KINDS = ['snapshot', 'delta'] as const;
export type DatasetKind = (typeof DATASET_KINDS)[number];

export const ManifestSchema = z
  .strictObject({
    dataset: z.enum(DATASET_NAMES),
    kind: z.enum(DATASET_KINDS),
    version: z.int().min(1).max(Number.MAX_SAFE_INTEGER),
    /** For a delta: the version it applies on top of. Absent for a snapshot. */
    baseVersion: z.int().min(1).optional(),
    /** Backend clock when the version was made (ms since epoch): a dataset's age counts from it. */
    createdAt: z.int().min(0),
    /** Lines in the body. */
    rows: z.int().min(0),
    bytes: z.int().min(0),
    sha256: Sha256Schema,
    /** Which pinned backend key signed it. */
    keyId: KeyIdSchema,
  })
  .refine((m) => (m.kind === 'delta') === (m.baseVersion !== undefined), {
    message: 'a delta has a baseVersion and a snapshot none',
  })
  .refine((m) => m.baseVersion === undefined || m.baseVersion < m.version, {
    message: 'baseVersion must be below version',
  });
export type Manifest = z.output<typeof ManifestSchema>;

export const SignedManifestSchema = z.strictObject({
  manifest: ManifestSchema,
  /** Ed25519 over manifestSigningString(manifest), base64. */
  signature: z.base64(),
});
export type SignedManifest = z.output<typeof SignedManifestSchema>;

/** `GET /v1/datasets/{name}/updates?after=V`: the versions to apply, in order. */
export const UpdatesResponseSchema = z.strictObject({
  dataset: z.enum(DATASET_NAMES),
  /** The newest version the backend has (0 when it has none yet). */
  latest: z.int().min(0),
  updates: z.array(SignedManifestSchema),
  serverTime: z.int().min(0),
});
export type UpdatesResponse = z.output<typeof UpdatesResponseSchema>;
