/**
 * One sync run: take the lease, learn what the backend holds for this device, drain the
 * outbox, bring every dataset of the device's role up to date, prune. Network trouble ends the
 * run with its typed error recorded as the sync state (shown by `kazasu sync status`); the
 * service calls `run` to repeat this with backoff while the network is away.
 */
import { hostname } from 'node:os';
import { DATASETS_BY_ROLE, type DatasetName } from '../../shared/contracts/sync/datasets.ts';
import type { DeviceRole } from '../../shared/contracts/sync/events.ts';
import type { Clock } from '../../shared/clock.ts';
import { hasErrorCode, serializeError, type SerializedError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/log.ts';
import type { DeviceStore, PruneReport } from '../store/store.ts';
import type { BackendApi } from './api.ts';
import { backoffDelay, SESSION_BACKOFF, UPLOAD_BACKOFF } from './backoff.ts';
import { syncDataset, type DatasetReport } from './download.ts';
import { SyncError, TRANSIENT_CODES } from './errors.ts';
import { withRetry, type RetryOptions } from './retry.ts';
import { drainOutbox, type UploadReport } from './upload.ts';
import type { PinnedKeys } from './verify.ts';

export interface SyncClientOptions {
  readonly store: DeviceStore;
  readonly api: BackendApi;
  readonly role: DeviceRole;
  readonly keys: PinnedKeys;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly yieldNow: () => Promise<void>;
  readonly batchSize: number;
  /** Tries per request for transient failures within one run. */
  readonly attempts: number;
  readonly retentionMs: number;
  /** Datasets to fetch; default: all of the role's. */
  readonly datasets?: readonly DatasetName[];
}

export interface SyncReport {
  readonly ok: boolean;
  readonly upload: UploadReport | null;
  readonly datasets: readonly (DatasetReport | { dataset: DatasetName; error: SerializedError })[];
  readonly pruned: PruneReport | null;
  readonly error: SerializedError | null;
}

const LEASE_MS = 15 * 60_000;

export class SyncClient {
  private readonly owner = `${hostname()}/${process.pid}/${Math.random().toString(36).slice(2)}`;
  private readonly retry: RetryOptions;

  constructor(private readonly o: SyncClientOptions) {
    this.retry = {
      attempts: o.attempts,
      policy: UPLOAD_BACKOFF,
      sleep: o.sleep,
      random: o.random,
      onRetry: (error, attempt, delayMs) =>
        o.logger.info(
          { err: serializeError(error), attempt, delayMs },
          'sync request failed; retrying',
        ),
    };
  }

  async syncOnce(): Promise<SyncReport> {
    const { store, clock } = this.o;
    const started = clock.now();
    if (!store.syncState.acquireLease(this.owner, started, started + LEASE_MS, holderAlive)) {
      const error = new SyncError('sync/busy', 'another sync run is in progress on this device');
      return { ok: false, upload: null, datasets: [], pruned: null, error: error.toJSON() };
    }
    store.syncState.update({ lastAttemptAt: started });
    let upload: UploadReport | null = null;
    const datasets: SyncReport['datasets'][number][] = [];
    let pruned: PruneReport | null = null;
    try {
      const info = await withRetry(() => this.o.api.deviceInfo(), this.retry);
      this.checkRole(info.role);
      store.outbox.continueAfter(info.lastSeq);
      upload = await drainOutbox({
        outbox: store.outbox,
        api: this.o.api,
        retry: this.retry,
        logger: this.o.logger,
        batchSize: this.o.batchSize,
      });
      for (const name of this.o.datasets ?? DATASETS_BY_ROLE[this.o.role]) {
        try {
          datasets.push(
            await withRetry(
              () =>
                syncDataset(name, {
                  datasets: store.datasets,
                  api: this.o.api,
                  keys: this.o.keys,
                  clock,
                  yieldNow: this.o.yieldNow,
                }),
              this.retry,
            ),
          );
        } catch (error) {
          // A refused dataset keeps its previous version; the others still update. A network
          // failure ends the run.
          if (isNetwork(error)) throw error;
          this.o.logger.warn(
            { dataset: name, err: serializeError(error) },
            'dataset update refused',
          );
          datasets.push({ dataset: name, error: serializeError(error) });
        }
      }
      pruned = store.prune(this.o.retentionMs);
      const failed = datasets.find(
        (d): d is { dataset: DatasetName; error: SerializedError } => 'error' in d,
      );
      store.syncState.update(
        failed
          ? { lastErrorCode: failed.error.code, lastErrorAt: clock.now() }
          : { lastSuccessAt: clock.now(), lastErrorCode: null, lastErrorAt: null },
      );
      return { ok: failed === undefined, upload, datasets, pruned, error: failed?.error ?? null };
    } catch (error) {
      const serialized = serializeError(error);
      this.o.logger.warn({ err: serialized }, 'sync run failed');
      store.syncState.update({ lastErrorCode: serialized.code, lastErrorAt: clock.now() });
      return { ok: false, upload, datasets, pruned, error: serialized };
    } finally {
      store.syncState.releaseLease(this.owner);
    }
  }

  /** Syncs every `intervalMs` until `signal` aborts; failed runs back off with full jitter. */
  async run(intervalMs: number, signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      const report = await this.syncOnce();
      failures = report.ok ? 0 : failures + 1;
      const wait = report.ok
        ? intervalMs
        : Math.max(backoffDelay(failures, SESSION_BACKOFF, this.o.random()), 1000);
      await Promise.race([
        this.o.sleep(wait),
        new Promise((r) => signal.addEventListener('abort', r, { once: true })),
      ]);
    }
  }

  private checkRole(role: DeviceRole): void {
    if (role !== this.o.role) {
      throw new SyncError(
        'sync/forbidden',
        `the backend registered this device as ${role}, its config says ${this.o.role}`,
        {
          details: { backendRole: role, configRole: this.o.role },
        },
      );
    }
  }
}

/** A lease held by a process of this host that no longer exists is stale. */
function holderAlive(holder: string): boolean {
  const [host, pid] = holder.split('/');
  if (host !== hostname() || !pid) return true;
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch (error) {
    return !(error instanceof Error && 'code' in error && error.code === 'ESRCH');
  }
}

function isNetwork(error: unknown): boolean {
  return (
    hasErrorCode(error, ...([...TRANSIENT_CODES] as `${string}/${string}`[])) &&
    !hasErrorCode(error, 'sync/digest-mismatch', 'sync/malformed-response')
  );
}
