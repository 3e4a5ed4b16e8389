/**
 * Applying dataset versions. A snapshot is written into a fresh generation in chunks (each
 * chunk its own short transaction, so taps and event writes get the lock between chunks and
 * lookups keep reading the active generation), then made active by one small transaction.
 * A delta changes the active generation in one transaction. Retired generations are deleted
 * in chunks afterwards. Version rules are checked again inside the committing transaction, so
 * two writers cannot both move a dataset.
 */
import type {
  AnyDatasetRow,
  DatasetKind,
  DatasetName,
  DeltaOp,
  Manifest,
} from '../../shared/contracts/sync/datasets.ts';
import { DATASET_NAMES, rowKey } from '../../shared/contracts/sync/datasets.ts';
import { withoutFsync, type Statement, type WritableDb } from './db.ts';
import { StoreError, toStoreError } from './errors.ts';
import { datasetTables, type TableOps } from './dataset-tables.ts';

export interface DatasetState {
  readonly name: DatasetName;
  readonly version: number;
  readonly activeGen: number;
  /** Backend time the version was made. */
  readonly createdAt: number;
  /** Device time it was applied. */
  readonly appliedAt: number;
  readonly rows: number;
  readonly sha256: string;
  readonly lastKind: DatasetKind;
}

export interface SnapshotWriter {
  readonly gen: number;
  /** Writes a chunk of rows in one transaction. */
  add(rows: readonly AnyDatasetRow[]): void;
  /** Makes the snapshot the active version, atomically. */
  commit(appliedAt: number): DatasetState;
  /** Gives the snapshot up; its rows are removed by collectGarbage. */
  abort(): void;
}

export class DatasetStore {
  private readonly tables: Readonly<Record<DatasetName, TableOps>>;
  private readonly s: Record<
    'state' | 'states' | 'nextGen' | 'stage' | 'unstage' | 'upsertState' | 'retired' | 'rowsDelta',
    Statement
  >;
  /** Generations this process is writing: never garbage, whatever the staging table says. */
  private readonly live = new Set<number>();

  constructor(private readonly db: WritableDb) {
    this.tables = datasetTables(db);
    const cols = `name, version, active_gen AS activeGen, created_at AS createdAt, applied_at AS appliedAt,
                  rows, sha256, last_kind AS lastKind`;
    this.s = {
      state: db.prepare(`SELECT ${cols} FROM dataset_state WHERE name = ?`),
      states: db.prepare(`SELECT ${cols} FROM dataset_state ORDER BY name`),
      nextGen: db.prepare(
        `UPDATE sequences SET next = next + 1 WHERE name = 'dataset_gen' RETURNING next - 1 AS gen`,
      ),
      stage: db.prepare(
        `INSERT INTO dataset_staging (gen, name, version, started_at) VALUES (?, ?, ?, ?)`,
      ),
      unstage: db.prepare(`DELETE FROM dataset_staging WHERE gen = ?`),
      upsertState: db.prepare(
        `INSERT INTO dataset_state (name, version, active_gen, created_at, applied_at, rows, sha256, last_kind)
         VALUES (@name, @version, @activeGen, @createdAt, @appliedAt, @rows, @sha256, @lastKind)
         ON CONFLICT (name) DO UPDATE SET version = excluded.version, active_gen = excluded.active_gen,
           created_at = excluded.created_at, applied_at = excluded.applied_at, rows = excluded.rows,
           sha256 = excluded.sha256, last_kind = excluded.last_kind`,
      ),
      retired: db.prepare(`SELECT gen, name FROM dataset_staging ORDER BY gen`),
      rowsDelta: db.prepare(`UPDATE dataset_state SET rows = rows + ? WHERE name = ?`),
    };
  }

  state(name: DatasetName): DatasetState | undefined {
    return this.s.state.get(name) as DatasetState | undefined;
  }

  states(): DatasetState[] {
    return (this.s.states.all() as DatasetState[]).filter((s) => DATASET_NAMES.includes(s.name));
  }

  beginSnapshot(manifest: Manifest, startedAt: number): SnapshotWriter {
    if (manifest.kind !== 'snapshot')
      throw new TypeError('beginSnapshot needs a snapshot manifest');
    const table = this.tables[manifest.dataset];
    const gen = this.write('starting a snapshot', () =>
      this.db.transaction(() => {
        const { gen: g } = this.s.nextGen.get() as { gen: number };
        this.s.stage.run(g, manifest.dataset, manifest.version, startedAt);
        return g;
      })(),
    );
    this.live.add(gen);
    let rows = 0;
    let open = true;
    const addChunk = this.db.transaction((chunk: readonly AnyDatasetRow[]) => {
      table.insertMany(gen, chunk);
    });
    return {
      gen,
      add: (chunk) => {
        if (!open) throw new TypeError('snapshot writer is closed');
        // Staged rows need no fsync of their own: they are garbage until the activating commit,
        // which (like every other commit) runs with synchronous = FULL and makes them durable.
        this.write('writing a snapshot chunk', () => withoutFsync(this.db, () => addChunk(chunk)));
        rows += chunk.length;
      },
      commit: (appliedAt) => {
        if (!open) throw new TypeError('snapshot writer is closed');
        const state = this.write('activating a snapshot', () =>
          this.db
            .transaction(() => {
              const current = this.state(manifest.dataset);
              if (current && current.version >= manifest.version) {
                throw new StoreError(
                  'store/version-conflict',
                  `${manifest.dataset} is already at version ${current.version}`,
                  {
                    details: {
                      dataset: manifest.dataset,
                      current: current.version,
                      offered: manifest.version,
                    },
                  },
                );
              }
              const next: DatasetState = {
                name: manifest.dataset,
                version: manifest.version,
                activeGen: gen,
                createdAt: manifest.createdAt,
                appliedAt,
                rows,
                sha256: manifest.sha256,
                lastKind: 'snapshot',
              };
              this.s.upsertState.run(next);
              this.s.unstage.run(gen);
              // The generation it replaces becomes garbage, deleted later in chunks.
              if (current)
                this.s.stage.run(current.activeGen, manifest.dataset, current.version, appliedAt);
              return next;
            })
            .immediate(),
        );
        open = false;
        this.live.delete(gen);
        return state;
      },
      abort: () => {
        open = false;
        this.live.delete(gen);
      },
    };
  }

  /** Applies a whole delta to the active generation in one transaction. */
  applyDelta(
    manifest: Manifest,
    ops: readonly DeltaOp<AnyDatasetRow>[],
    appliedAt: number,
  ): DatasetState {
    if (manifest.kind !== 'delta') throw new TypeError('applyDelta needs a delta manifest');
    const table = this.tables[manifest.dataset];
    return this.write('applying a delta', () =>
      this.db
        .transaction(() => {
          const current = this.state(manifest.dataset);
          if (!current || current.version !== manifest.baseVersion) {
            throw new StoreError(
              'store/version-conflict',
              `${manifest.dataset} is at version ${current?.version ?? 0}, the delta needs ${manifest.baseVersion}`,
              {
                details: {
                  dataset: manifest.dataset,
                  current: current?.version ?? 0,
                  base: manifest.baseVersion,
                },
              },
            );
          }
          let rowsDelta = 0;
          for (const op of inKeyOrder(manifest.dataset, ops)) {
            if (op.op === 'put') rowsDelta += table.upsert(current.activeGen, op.row) ? 1 : 0;
            else rowsDelta -= table.del(current.activeGen, op.key) ? 1 : 0;
          }
          const next: DatasetState = {
            ...current,
            version: manifest.version,
            createdAt: manifest.createdAt,
            appliedAt,
            rows: current.rows + rowsDelta,
            sha256: manifest.sha256,
            lastKind: 'delta',
          };
          this.s.upsertState.run(next);
          return next;
        })
        .immediate(),
    );
  }

  /**
   * Deletes up to `limit` rows of retired generations and of snapshots a crash left half
   * written. Returns how many rows went; call again (between taps) until it returns 0.
   */
  collectGarbage(limit = 20_000): number {
    return this.write('removing an old dataset generation', () => {
      let left = limit;
      for (const { gen, name } of this.s.retired.all() as { gen: number; name: DatasetName }[]) {
        if (this.live.has(gen) || left <= 0) continue;
        const table = this.tables[name];
        const done = this.db.transaction(() => {
          const n = table.clear(gen, left);
          if (n < left) this.s.unstage.run(gen);
          return n;
        })();
        left -= done;
      }
      return limit - left;
    });
  }

  private write<T>(doing: string, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw toStoreError(error, doing);
    }
  }
}

/**
 * The ops sorted by key (stably, so two ops on one key keep their order): B-tree pages are then
 * visited in order, which makes a large delta markedly cheaper than in arrival order.
 */
function inKeyOrder(
  dataset: DatasetName,
  ops: readonly DeltaOp<AnyDatasetRow>[],
): DeltaOp<AnyDatasetRow>[] {
  const keyOf = (op: DeltaOp<AnyDatasetRow>): string =>
    op.op === 'put' ? rowKey(dataset, op.row) : op.key;
  return ops
    .map((op, i) => ({ op, i, key: keyOf(op) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.i - b.i))
    .map((x) => x.op);
}
