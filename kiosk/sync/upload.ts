/**
 * Draining the outbox: pending events in device_seq order, a bounded request at a time, each
 * answer settled in one transaction. At-least-once: an event stays pending until the backend has
 * answered for it, so a lost or duplicated answer, a reset or a crash only means sending again,
 * and the backend's permanent (device_id, device_seq) dedupe makes that harmless.
 */
import { LIMITS } from '../../shared/contracts/sync/constants.ts';
import type { UploadResponse } from '../../shared/contracts/sync/events.ts';
import type { Logger } from '../../shared/log.ts';
import type { Outbox, PendingEvent } from '../store/outbox.ts';
import type { BackendApi } from './api.ts';
import { SyncError } from './errors.ts';
import { firstBatch, type UploadItem } from './plan.ts';
import { withRetry, type RetryOptions } from './retry.ts';

export interface UploadReport {
  readonly batches: number;
  readonly acked: number;
  readonly rejected: number;
}

/** One event as JSON; the payload is spliced in as stored, not parsed and re-serialised. */
export function encodeEvent(e: PendingEvent): string {
  return `{"eventId":${JSON.stringify(e.eventId)},"deviceSeq":${e.deviceSeq},"type":${JSON.stringify(e.type)},"payload":${e.payloadJson},"createdAt":${e.createdAt}}`;
}

export interface UploadOptions {
  readonly outbox: Outbox;
  readonly api: BackendApi;
  readonly retry: RetryOptions;
  readonly logger: Logger;
  readonly batchSize: number;
}

export async function drainOutbox(o: UploadOptions): Promise<UploadReport> {
  let batches = 0;
  let acked = 0;
  let rejected = 0;
  const size = Math.min(o.batchSize, LIMITS.maxEventsPerUpload);
  for (;;) {
    const pending = o.outbox.pending(size);
    if (pending.length === 0) break;
    const items: UploadItem[] = pending.map((e) => ({
      deviceSeq: e.deviceSeq,
      json: encodeEvent(e),
    }));
    const batch = firstBatch(items, size);
    const first = batch[0]?.deviceSeq ?? 0;
    const last = batch.at(-1)?.deviceSeq ?? 0;
    o.outbox.noteAttempt(first, last);
    const body = `{"events":[${batch.map((b) => b.json).join(',')}]}`;
    const response = await withRetry(() => o.api.upload(body), o.retry);
    const settled = o.outbox.settle(answersFor(batch, response));
    if (settled.acked + settled.rejected === 0 && o.outbox.pending(1)[0]?.deviceSeq === first) {
      throw new SyncError(
        'sync/malformed-response',
        'the backend answered for none of the events sent',
      );
    }
    batches += 1;
    acked += settled.acked;
    rejected += settled.rejected;
    if (settled.rejected > 0) {
      o.logger.warn(
        { rejected: settled.rejected, first, last },
        'the backend refused events for good; kept as rejected',
      );
    }
  }
  return { batches, acked, rejected };
}

/** Only answers for seqs in the batch count; anything else in a (duplicated, mixed-up) response is ignored. */
function answersFor(
  batch: readonly UploadItem[],
  response: UploadResponse,
): UploadResponse['results'] {
  const sent = new Set(batch.map((b) => b.deviceSeq));
  return response.results.filter((r) => sent.has(r.deviceSeq));
}
