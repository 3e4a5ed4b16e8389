/**
 * Pure decisions of the sync client: which dataset versions to apply in which order, whether a
 * delta follows the device's version, and how to cut the outbox into upload requests. No I/O,
 * no clock, no crypto (signatures are checked before a manifest gets here).
 */
import type { DatasetName, Manifest } from '../../shared/contracts/sync/datasets.ts';
import { LIMITS } from '../../shared/contracts/sync/constants.ts';
import { SyncError } from './errors.ts';

export type UpdatePlan =
  | { readonly action: 'up-to-date' }
  | { readonly action: 'apply'; readonly steps: readonly Manifest[] }
  /** The first update is a delta that does not follow our version: ask for a snapshot. */
  | { readonly action: 'need-snapshot'; readonly reason: SyncError };

/**
 * Orders and checks the manifests the backend offered for `dataset`, the device holding
 * `current` (0 for nothing). Never goes backwards: an offer at or below `current` is refused,
 * whatever its signature says (a replayed old version, a backend restored from an old backup).
 */
export function planUpdates(
  dataset: DatasetName,
  current: number,
  latest: number,
  offered: readonly Manifest[],
): UpdatePlan {
  if (latest < current) {
    throw new SyncError(
      'sync/version-rollback',
      `the backend's newest ${dataset} is version ${latest}, older than the ${current} held here`,
      { details: { dataset, current, offered: latest } },
    );
  }
  if (offered.length === 0 && latest === current) return { action: 'up-to-date' };
  if (offered.length === 0) {
    // Newer versions exist but nothing leads to them from here.
    const gap = new SyncError(
      'sync/delta-gap',
      `${dataset} ${latest} exists, but nothing leads there from ${current}`,
      {
        details: { dataset, current, latest },
      },
    );
    return { action: 'need-snapshot', reason: gap };
  }
  for (const m of offered) {
    if (m.dataset !== dataset) {
      throw new SyncError(
        'sync/malformed-response',
        `a ${m.dataset} manifest among ${dataset} updates`,
      );
    }
  }
  const steps: Manifest[] = [];
  let at = current;
  for (const m of offered) {
    if (m.version <= at) {
      throw new SyncError(
        'sync/version-rollback',
        `${dataset} version ${m.version} offered, ${at} already held`,
        { details: { dataset, current: at, offered: m.version } },
      );
    }
    if (m.kind === 'delta' && m.baseVersion !== at) {
      const gap = new SyncError(
        'sync/delta-gap',
        `${dataset} delta ${m.baseVersion}→${m.version} does not follow version ${at}`,
        { details: { dataset, current: at, base: m.baseVersion, version: m.version } },
      );
      if (steps.length === 0) return { action: 'need-snapshot', reason: gap };
      throw gap;
    }
    steps.push(m);
    at = m.version;
  }
  return { action: 'apply', steps };
}

/** True when `m` can be applied on top of `current` (checked again just before applying). */
export function follows(current: number, m: Manifest): boolean {
  return m.kind === 'snapshot' ? m.version > current : m.baseVersion === current;
}

export interface UploadItem {
  readonly deviceSeq: number;
  /** The serialised event, as it goes into the request body. */
  readonly json: string;
}

/**
 * Cuts pending events (in seq order) into the first request: at most `maxEvents` events and
 * `maxBytes` of body, but always at least one event so a large one cannot block the queue.
 */
export function firstBatch(
  items: readonly UploadItem[],
  maxEvents: number = LIMITS.maxEventsPerUpload,
  maxBytes: number = LIMITS.maxUploadBytes / 2,
): UploadItem[] {
  const batch: UploadItem[] = [];
  let bytes = 0;
  for (const item of items) {
    if (batch.length >= maxEvents) break;
    if (batch.length > 0 && bytes + item.json.length + 1 > maxBytes) break;
    batch.push(item);
    bytes += item.json.length + 1;
  }
  return batch;
}
