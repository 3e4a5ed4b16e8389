/**
 * Publishing datasets. Every publication is the whole new content of a dataset (a registrant
 * CSV, a deny list, the ride counts); the backend diffs it against the current rows into a
 * delta, writes a snapshot as well, signs both manifests and keeps the bodies as NDJSON files.
 * Snapshots are sorted by key, so a device inserts them in index order.
 */
import { closeSync, existsSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { canonicalJson, manifestSigningString } from '../../shared/contracts/sync/canonical.ts';
import { LIMITS } from '../../shared/contracts/sync/constants.ts';
import {
  ROW_SCHEMAS,
  rowKey,
  type AnyDatasetRow,
  type DatasetKind,
  type DatasetName,
  type Manifest,
  type SignedManifest,
} from '../../shared/contracts/sync/datasets.ts';
import { describeIssues, parseWire } from '../../shared/contracts/sync/wire.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Statement, WritableDb } from '../../kiosk/store/db.ts';
import { signText } from '../../kiosk/crypto.ts';
import { BackendError } from './errors.ts';
import type { BackendKeys } from './keys.ts';

/** Deltas kept per dataset; a device further behind gets the snapshot. */
const KEEP_DELTAS = 200;
const WRITE_BUFFER = 1 << 20;

export interface PublishReport {
  readonly dataset: DatasetName;
  readonly version: number;
  readonly unchanged: boolean;
  readonly rows: number;
  readonly delta: { readonly puts: number; readonly dels: number } | null;
}

/** Buffered NDJSON writer that tracks what a manifest states: bytes, lines, SHA-256. */
class BodyFile {
  private readonly fd: number;
  private readonly hash = createHash('sha256');
  private parts: string[] = [];
  private pending = 0;
  bytes = 0;
  lines = 0;
  constructor(readonly path: string) {
    this.fd = openSync(path, 'w', 0o644);
  }
  line(text: string): void {
    this.parts.push(text, '\n');
    this.pending += text.length + 1;
    this.lines += 1;
    if (this.pending >= WRITE_BUFFER) this.flush();
  }
  private flush(): void {
    const buf = Buffer.from(this.parts.join(''), 'utf8');
    this.hash.update(buf);
    this.bytes += buf.length;
    writeSync(this.fd, buf);
    this.parts = [];
    this.pending = 0;
  }
  close(): { bytes: number; lines: number; sha256: string } {
    this.flush();
    closeSync(this.fd);
    return { bytes: this.bytes, lines: this.lines, sha256: this.hash.digest('hex') };
  }
}

export class DatasetPublisher {
  private readonly s: Record<
    | 'latest'
    | 'newRow'
    | 'puts'
    | 'dels'
    | 'countPuts'
    | 'countDels'
    | 'applyDels'
    | 'applyPuts'
    | 'allRows'
    | 'addVersion'
    | 'deltasAfter'
    | 'snapshotAt'
    | 'body'
    | 'oldFiles'
    | 'dropOld',
    Statement
  >;

  constructor(
    private readonly db: WritableDb,
    private readonly keys: BackendKeys,
    private readonly dir: string,
    private readonly clock: Clock,
  ) {
    db.exec(
      `CREATE TEMP TABLE IF NOT EXISTS new_rows (key TEXT PRIMARY KEY, row TEXT NOT NULL) STRICT, WITHOUT ROWID`,
    );
    this.s = {
      latest: db.prepare(
        `SELECT coalesce(max(version), 0) AS v FROM dataset_versions WHERE dataset = ?`,
      ),
      newRow: db.prepare(`INSERT INTO temp.new_rows (key, row) VALUES (?, ?)`),
      puts: db.prepare(
        `SELECT n.key, n.row FROM temp.new_rows n
           LEFT JOIN dataset_rows d ON d.dataset = ? AND d.key = n.key
          WHERE d.row IS NOT n.row ORDER BY n.key`,
      ),
      dels: db.prepare(
        `SELECT d.key FROM dataset_rows d
          WHERE d.dataset = ? AND NOT EXISTS (SELECT 1 FROM temp.new_rows n WHERE n.key = d.key) ORDER BY d.key`,
      ),
      countPuts: db.prepare(
        `SELECT count(*) AS n FROM temp.new_rows n
           LEFT JOIN dataset_rows d ON d.dataset = ? AND d.key = n.key WHERE d.row IS NOT n.row`,
      ),
      countDels: db.prepare(
        `SELECT count(*) AS n FROM dataset_rows d
          WHERE d.dataset = ? AND NOT EXISTS (SELECT 1 FROM temp.new_rows n WHERE n.key = d.key)`,
      ),
      applyDels: db.prepare(
        `DELETE FROM dataset_rows
          WHERE dataset = ? AND NOT EXISTS (SELECT 1 FROM temp.new_rows n WHERE n.key = dataset_rows.key)`,
      ),
      applyPuts: db.prepare(
        `INSERT INTO dataset_rows (dataset, key, row) SELECT ?, key, row FROM temp.new_rows WHERE true
         ON CONFLICT (dataset, key) DO UPDATE SET row = excluded.row WHERE row IS NOT excluded.row`,
      ),
      allRows: db.prepare(`SELECT row FROM dataset_rows WHERE dataset = ? ORDER BY key`),
      addVersion: db.prepare(
        `INSERT INTO dataset_versions (dataset, version, kind, base_version, manifest, signature, file, bytes)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      deltasAfter: db.prepare(
        `SELECT manifest, signature, bytes FROM dataset_versions
          WHERE dataset = ? AND kind = 'delta' AND version > ? ORDER BY version LIMIT ?`,
      ),
      snapshotAt: db.prepare(
        `SELECT manifest, signature, bytes FROM dataset_versions WHERE dataset = ? AND kind = 'snapshot' AND version = ?`,
      ),
      body: db.prepare(
        `SELECT file, bytes FROM dataset_versions WHERE dataset = ? AND version = ? AND kind = ?`,
      ),
      oldFiles: db.prepare(
        `SELECT file FROM dataset_versions WHERE dataset = ?
            AND ((kind = 'snapshot' AND version < ?) OR (kind = 'delta' AND version <= ?))`,
      ),
      dropOld: db.prepare(
        `DELETE FROM dataset_versions WHERE dataset = ?
            AND ((kind = 'snapshot' AND version < ?) OR (kind = 'delta' AND version <= ?))`,
      ),
    };
  }

  latest(dataset: DatasetName): number {
    return (this.s.latest.get(dataset) as { v: number }).v;
  }

  /** Publishes `rows` as the whole new content of `dataset`; no change, no new version. */
  publish(dataset: DatasetName, rows: Iterable<AnyDatasetRow>): PublishReport {
    const schema = ROW_SCHEMAS[dataset];
    const folder = join(this.dir, dataset);
    mkdirSync(folder, { recursive: true });
    return this.db
      .transaction(() => {
        this.db.exec(`DELETE FROM temp.new_rows`);
        let count = 0;
        for (const row of rows) {
          const parsed = parseWire(schema, row);
          if (!parsed.ok)
            throw new BackendError(
              'backend/bad-request',
              `row ${count + 1}: ${describeIssues(parsed.issues)}`,
            );
          try {
            this.s.newRow.run(rowKey(dataset, parsed.value), canonicalJson(parsed.value));
          } catch (error) {
            throw new BackendError('backend/bad-request', `row ${count + 1} repeats a key`, {
              cause: error,
            });
          }
          count += 1;
        }
        const base = this.latest(dataset);
        const puts = (this.s.countPuts.get(dataset) as { n: number }).n;
        const dels = (this.s.countDels.get(dataset) as { n: number }).n;
        if (base > 0 && puts === 0 && dels === 0) {
          return { dataset, version: base, unchanged: true, rows: count, delta: null };
        }
        const version = base + 1;
        const createdAt = this.clock.now();
        let delta: PublishReport['delta'] = null;
        if (base > 0 && puts + dels <= LIMITS.maxDeltaOps) {
          const file = new BodyFile(join(folder, `${version}.delta.ndjson`));
          for (const p of this.s.puts.iterate(dataset) as IterableIterator<{ row: string }>) {
            file.line(`{"op":"put","row":${p.row}}`);
          }
          for (const d of this.s.dels.iterate(dataset) as IterableIterator<{ key: string }>) {
            file.line(`{"op":"del","key":${JSON.stringify(d.key)}}`);
          }
          this.record(dataset, version, 'delta', base, createdAt, file);
          delta = { puts, dels };
        }
        this.s.applyDels.run(dataset);
        this.s.applyPuts.run(dataset);
        const snap = new BodyFile(join(folder, `${version}.snapshot.ndjson`));
        for (const r of this.s.allRows.iterate(dataset) as IterableIterator<{ row: string }>)
          snap.line(r.row);
        this.record(dataset, version, 'snapshot', undefined, createdAt, snap);
        this.prune(dataset, version);
        this.db.exec(`DELETE FROM temp.new_rows`);
        return { dataset, version, unchanged: false, rows: count, delta };
      })
      .immediate();
  }

  private record(
    dataset: DatasetName,
    version: number,
    kind: DatasetKind,
    baseVersion: number | undefined,
    createdAt: number,
    file: BodyFile,
  ): void {
    const { bytes, lines, sha256 } = file.close();
    const manifest: Manifest = {
      dataset,
      kind,
      version,
      ...(baseVersion === undefined ? {} : { baseVersion }),
      createdAt,
      rows: lines,
      bytes,
      sha256,
      keyId: this.keys.keyId,
    };
    const signature = signText(this.keys.signingKey, manifestSigningString(manifest));
    this.s.addVersion.run(
      dataset,
      version,
      kind,
      baseVersion ?? null,
      canonicalJson(manifest),
      signature,
      file.path,
      bytes,
    );
  }

  /** Keeps the newest snapshot and the last KEEP_DELTAS deltas; older bodies are deleted. */
  private prune(dataset: DatasetName, version: number): void {
    const cutoff = version - KEEP_DELTAS;
    for (const { file } of this.s.oldFiles.all(dataset, version, cutoff) as { file: string }[]) {
      if (existsSync(file)) rmSync(file);
    }
    this.s.dropOld.run(dataset, version, cutoff);
  }

  /**
   * What a device at `after` should apply: the chain of deltas when it is complete and smaller
   * than the snapshot, otherwise the newest snapshot.
   */
  updates(
    dataset: DatasetName,
    after: number,
    wantSnapshot: boolean,
  ): { latest: number; updates: SignedManifest[] } {
    const latest = this.latest(dataset);
    if (after >= latest) return { latest, updates: [] };
    const toSigned = (r: { manifest: string; signature: string }): SignedManifest => ({
      manifest: JSON.parse(r.manifest) as Manifest,
      signature: r.signature,
    });
    const snapshot = this.s.snapshotAt.get(dataset, latest) as
      { manifest: string; signature: string; bytes: number } | undefined;
    if (!wantSnapshot && after > 0) {
      const deltas = this.s.deltasAfter.all(dataset, after, LIMITS.maxManifestsPerUpdate) as {
        manifest: string;
        signature: string;
        bytes: number;
      }[];
      const chain = deltas.map(toSigned);
      const linked = chain.every(
        (d, i) => d.manifest.baseVersion === (i === 0 ? after : chain[i - 1]?.manifest.version),
      );
      const size = deltas.reduce((n, d) => n + d.bytes, 0);
      if (chain.length > 0 && linked && (!snapshot || size < snapshot.bytes))
        return { latest, updates: chain };
    }
    return { latest, updates: snapshot ? [toSigned(snapshot)] : [] };
  }

  bodyFile(
    dataset: DatasetName,
    version: number,
    kind: DatasetKind,
  ): { path: string; bytes: number } | undefined {
    const r = this.s.body.get(dataset, version, kind) as
      { file: string; bytes: number } | undefined;
    return r && existsSync(r.file) ? { path: r.file, bytes: r.bytes } : undefined;
  }
}
