/**
 * `kazasu sync status`: per dataset its version and age, the outbox's backlog, and the last
 * run's outcome. Pure: the store's readings and the time come in.
 */
import type { DatasetName } from '../../shared/contracts/sync/datasets.ts';
import type { DatasetState } from '../store/datasets.ts';
import type { OutboxStats } from '../store/outbox.ts';
import type { SyncRecord } from '../store/sync-state.ts';

export interface SyncStatus {
  readonly deviceId: string;
  readonly role: string;
  readonly now: string;
  readonly datasets: readonly {
    readonly dataset: DatasetName;
    readonly version: number | null;
    /** Seconds since the backend made the version held; null when none is held. */
    readonly ageSeconds: number | null;
    readonly createdAt: string | null;
    readonly appliedAt: string | null;
    readonly rows: number | null;
  }[];
  readonly outbox: {
    readonly pending: number;
    readonly oldestPendingAt: string | null;
    readonly oldestPendingAgeSeconds: number | null;
    readonly rejected: number;
    readonly ackedKept: number;
    readonly nextSeq: number;
  };
  readonly lastSync: {
    readonly attemptAt: string | null;
    readonly successAt: string | null;
    readonly errorCode: string | null;
    readonly errorAt: string | null;
    readonly clockOffsetMs: number;
  };
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const age = (now: number, ms: number | null): number | null =>
  ms === null ? null : Math.max(0, Math.round((now - ms) / 1000));

export function syncStatus(input: {
  deviceId: string;
  role: string;
  now: number;
  wanted: readonly DatasetName[];
  states: readonly DatasetState[];
  outbox: OutboxStats;
  sync: SyncRecord;
}): SyncStatus {
  const byName = new Map(input.states.map((s) => [s.name, s]));
  return {
    deviceId: input.deviceId,
    role: input.role,
    now: new Date(input.now).toISOString(),
    datasets: input.wanted.map((dataset) => {
      const s = byName.get(dataset);
      return {
        dataset,
        version: s?.version ?? null,
        ageSeconds: age(input.now, s?.createdAt ?? null),
        createdAt: iso(s?.createdAt ?? null),
        appliedAt: iso(s?.appliedAt ?? null),
        rows: s?.rows ?? null,
      };
    }),
    outbox: {
      pending: input.outbox.pending,
      oldestPendingAt: iso(input.outbox.oldestPendingAt),
      oldestPendingAgeSeconds: age(input.now, input.outbox.oldestPendingAt),
      rejected: input.outbox.rejected,
      ackedKept: input.outbox.acked,
      nextSeq: input.outbox.nextSeq,
    },
    lastSync: {
      attemptAt: iso(input.sync.lastAttemptAt),
      successAt: iso(input.sync.lastSuccessAt),
      errorCode: input.sync.lastErrorCode,
      errorAt: iso(input.sync.lastErrorAt),
      clockOffsetMs: input.sync.clockOffsetMs,
    },
  };
}
