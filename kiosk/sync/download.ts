/**
 * Datasets down: ask for the updates after the version held, verify every manifest's signature,
 * plan (never backwards; a delta must follow; otherwise ask for a snapshot), then stream each
 * body, checking size, line count and SHA-256 against the signed manifest before the version
 * becomes visible. A snapshot is written in chunks with a yield to the event loop between
 * them, so taps on this thread are served while a large one applies.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import {
  deltaOpSchema,
  ROW_SCHEMAS,
  type AnyDatasetRow,
  type DatasetName,
  type DeltaOp,
  type Manifest,
} from '../../shared/contracts/sync/datasets.ts';
import { LIMITS } from '../../shared/contracts/sync/constants.ts';
import { fastDenyRow, fastEntitlementRow } from '../../shared/contracts/sync/fast-rows.ts';
import { parseJsonText, parseWire } from '../../shared/contracts/sync/wire.ts';
import type { Clock } from '../../shared/clock.ts';
import type { DatasetStore } from '../store/datasets.ts';
import type { BackendApi } from './api.ts';
import { SyncError } from './errors.ts';
import { ndjsonLineBatches } from './lines.ts';
import { follows, planUpdates } from './plan.ts';
import { verifyManifest, type PinnedKeys } from './verify.ts';

/** Rows per snapshot transaction: small enough that a tap waits at most a few ms for the lock. */
export const SNAPSHOT_CHUNK_ROWS = 2_000;

export interface DatasetReport {
  readonly dataset: DatasetName;
  readonly from: number;
  readonly to: number;
  /** Each version applied, with the time its download, check and apply took. */
  readonly applied: readonly { kind: Manifest['kind']; version: number; ms: number }[];
}

export interface DownloadOptions {
  readonly datasets: DatasetStore;
  readonly api: BackendApi;
  readonly keys: PinnedKeys;
  readonly clock: Clock;
  /** Lets the event loop run between chunks (setImmediate in production). */
  readonly yieldNow: () => Promise<void>;
}

const rowParsers = new Map<DatasetName, z.ZodType<AnyDatasetRow>>(
  Object.entries(ROW_SCHEMAS) as [DatasetName, z.ZodType<AnyDatasetRow>][],
);
const opParsers = new Map<DatasetName, z.ZodType<DeltaOp<AnyDatasetRow>>>(
  [...rowParsers].map(([name, schema]) => [name, deltaOpSchema(schema)]),
);

export async function syncDataset(name: DatasetName, o: DownloadOptions): Promise<DatasetReport> {
  const from = o.datasets.state(name)?.version ?? 0;
  let offer = await o.api.updates(name, from, false);
  let plan = planUpdates(
    name,
    from,
    offer.latest,
    offer.updates.map((u) => verifyManifest(u, o.keys)),
  );
  if (plan.action === 'need-snapshot') {
    offer = await o.api.updates(name, from, true);
    const again = planUpdates(
      name,
      from,
      offer.latest,
      offer.updates.map((u) => verifyManifest(u, o.keys)),
    );
    // A gap and no snapshot to close it: refuse, keeping the version held.
    if (
      again.action === 'need-snapshot' ||
      (again.action === 'up-to-date' && offer.latest > from)
    ) {
      throw plan.reason;
    }
    plan = again;
  }
  const applied: { kind: Manifest['kind']; version: number; ms: number }[] = [];
  if (plan.action === 'apply') {
    for (const m of plan.steps) {
      const started = o.clock.monotonic();
      await applyVersion(m, o);
      applied.push({
        kind: m.kind,
        version: m.version,
        ms: Math.round(o.clock.monotonic() - started),
      });
    }
  }
  while (o.datasets.collectGarbage() > 0) await o.yieldNow();
  return { dataset: name, from, to: o.datasets.state(name)?.version ?? 0, applied };
}

/** Tracks what a body must match: its signed size, line count and digest. */
class BodyCheck {
  private readonly hash = createHash('sha256');
  bytes = 0;
  lines = 0;
  firstBadLine = 0;
  constructor(private readonly m: Manifest) {}

  async *count(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of chunks) {
      this.bytes += chunk.byteLength;
      if (this.bytes > this.m.bytes) throw this.mismatch('is longer than its manifest says');
      this.hash.update(chunk);
      yield chunk;
    }
  }

  /** Throws unless size, lines and digest are the signed ones, then reports a bad line if any. */
  finish(): void {
    const digest = this.hash.digest('hex');
    if (this.bytes !== this.m.bytes || this.lines !== this.m.rows || digest !== this.m.sha256) {
      throw this.mismatch('does not match its signed manifest');
    }
    if (this.firstBadLine > 0) {
      throw new SyncError(
        'sync/body-invalid',
        `${this.m.dataset} version ${this.m.version}: line ${this.firstBadLine} is not a row`,
        {
          details: { dataset: this.m.dataset, version: this.m.version, line: this.firstBadLine },
        },
      );
    }
  }

  mismatch(what: string): SyncError {
    return new SyncError(
      'sync/digest-mismatch',
      `${this.m.dataset} ${this.m.kind} ${this.m.version} ${what}`,
      {
        details: { dataset: this.m.dataset, version: this.m.version, kind: this.m.kind },
      },
    );
  }
}

/** Fast acceptance for the million-row datasets; zod decides whatever it does not accept. */
const FAST_ROWS: Partial<Record<DatasetName, (v: unknown) => AnyDatasetRow | undefined>> = {
  entitlements: fastEntitlementRow,
  'deny-list': fastDenyRow,
};

function parseLine<T>(
  line: string,
  schema: z.ZodType<T>,
  fast?: (v: unknown) => T | undefined,
): T | undefined {
  const json = parseJsonText(line);
  if (!json.ok) return undefined;
  const quick = fast?.(json.value);
  if (quick !== undefined) return quick;
  const r = parseWire(schema, json.value);
  return r.ok ? r.value : undefined;
}

/** A `put` of a fast-accepted row, or undefined (then the op schema decides). */
function fastOp(
  dataset: DatasetName,
): ((v: unknown) => DeltaOp<AnyDatasetRow> | undefined) | undefined {
  const fast = FAST_ROWS[dataset];
  if (!fast) return undefined;
  return (v) => {
    if (typeof v !== 'object' || v === null || Object.keys(v).length !== 2) return undefined;
    const { op, row } = v as { op?: unknown; row?: unknown };
    const ok = op === 'put' ? fast(row) : undefined;
    return ok === undefined ? undefined : { op: 'put', row: ok };
  };
}

async function applyVersion(m: Manifest, o: DownloadOptions): Promise<void> {
  const current = o.datasets.state(m.dataset)?.version ?? 0;
  if (!follows(current, m)) {
    throw new SyncError(
      'sync/delta-gap',
      `${m.dataset} ${m.kind} ${m.version} does not follow version ${current}`,
    );
  }
  const res = await o.api.body(m);
  const check = new BodyCheck(m);
  try {
    if (m.kind === 'snapshot') await applySnapshot(m, o, check, res.body);
    else await applyDelta(m, o, check, res.body);
  } finally {
    res.discard();
  }
}

async function applySnapshot(
  m: Manifest,
  o: DownloadOptions,
  check: BodyCheck,
  body: AsyncIterable<Uint8Array>,
): Promise<void> {
  const schema = rowParsers.get(m.dataset);
  const fast = FAST_ROWS[m.dataset];
  if (!schema) throw new TypeError(`no row schema for ${m.dataset}`);
  const writer = o.datasets.beginSnapshot(m, o.clock.now());
  try {
    let chunk: AnyDatasetRow[] = [];
    for await (const lines of ndjsonLineBatches(check.count(body))) {
      for (const line of lines) {
        check.lines += 1;
        if (check.lines > m.rows) throw check.mismatch('has more lines than its manifest says');
        const row = check.firstBadLine === 0 ? parseLine(line, schema, fast) : undefined;
        if (row === undefined) {
          check.firstBadLine ||= check.lines;
          continue;
        }
        chunk.push(row);
        if (chunk.length >= SNAPSHOT_CHUNK_ROWS) {
          writer.add(chunk);
          chunk = [];
          await o.yieldNow();
        }
      }
    }
    check.finish();
    writer.add(chunk);
    writer.commit(o.clock.now());
  } catch (error) {
    writer.abort();
    throw error;
  }
}

async function applyDelta(
  m: Manifest,
  o: DownloadOptions,
  check: BodyCheck,
  body: AsyncIterable<Uint8Array>,
): Promise<void> {
  if (m.rows > LIMITS.maxDeltaOps)
    throw check.mismatch(`has more than ${LIMITS.maxDeltaOps} operations`);
  const schema = opParsers.get(m.dataset);
  const fast = fastOp(m.dataset);
  if (!schema) throw new TypeError(`no row schema for ${m.dataset}`);
  const ops: DeltaOp<AnyDatasetRow>[] = [];
  for await (const lines of ndjsonLineBatches(check.count(body))) {
    for (const line of lines) {
      check.lines += 1;
      if (check.lines > m.rows) throw check.mismatch('has more lines than its manifest says');
      const op = check.firstBadLine === 0 ? parseLine(line, schema, fast) : undefined;
      if (op === undefined) check.firstBadLine ||= check.lines;
      else ops.push(op);
    }
  }
  check.finish();
  o.datasets.applyDelta(m, ops, o.clock.now());
}
