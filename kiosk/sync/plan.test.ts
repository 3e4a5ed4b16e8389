import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../shared/contracts/sync/datasets.ts';
import { firstBatch, follows, planUpdates } from './plan.ts';

const m = (version: number, base?: number): Manifest => ({
  dataset: 'entitlements',
  kind: base === undefined ? 'snapshot' : 'delta',
  version,
  ...(base === undefined ? {} : { baseVersion: base }),
  createdAt: 0,
  rows: 0,
  bytes: 0,
  sha256: '0'.repeat(64),
  keyId: '0'.repeat(16),
});

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('planUpdates', () => {
  it('applies a chain of deltas that follows the version held', () => {
    expect(planUpdates('entitlements', 3, 5, [m(4, 3), m(5, 4)])).toEqual({
      action: 'apply',
      steps: [m(4, 3), m(5, 4)],
    });
    expect(planUpdates('entitlements', 3, 3, [])).toEqual({ action: 'up-to-date' });
  });

  it('asks for a snapshot when the first delta does not follow', () => {
    const plan = planUpdates('entitlements', 3, 6, [m(6, 5)]);
    expect(plan.action).toBe('need-snapshot');
    expect(plan.action === 'need-snapshot' && plan.reason.code).toBe('sync/delta-gap');
    expect(planUpdates('entitlements', 3, 6, []).action).toBe('need-snapshot');
  });

  it('refuses going backwards, a broken chain and a foreign manifest', () => {
    expect(code(() => planUpdates('entitlements', 5, 4, []))).toBe('sync/version-rollback');
    expect(code(() => planUpdates('entitlements', 5, 5, [m(5)]))).toBe('sync/version-rollback');
    expect(code(() => planUpdates('entitlements', 3, 6, [m(4, 3), m(6, 5)]))).toBe(
      'sync/delta-gap',
    );
    expect(code(() => planUpdates('entitlements', 3, 4, [{ ...m(4, 3), dataset: 'fares' }]))).toBe(
      'sync/malformed-response',
    );
  });

  it('never plans a version at or below the one held (property)', () => {
    const offer = fc.array(
      fc.tuple(
        fc.integer({ min: 1, max: 20 }),
        fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
      ),
      { maxLength: 5 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), offer, (current, raw) => {
        const manifests = raw.filter(([v, b]) => b === undefined || b < v).map(([v, b]) => m(v, b));
        const latest = Math.max(current, ...manifests.map((x) => x.version));
        try {
          const plan = planUpdates('entitlements', current, latest, manifests);
          if (plan.action !== 'apply') return;
          let at = current;
          for (const step of plan.steps) {
            expect(follows(at, step)).toBe(true);
            at = step.version;
          }
        } catch (error) {
          expect(['sync/version-rollback', 'sync/delta-gap']).toContain(
            (error as { code: string }).code,
          );
        }
      }),
    );
  });
});

describe('firstBatch', () => {
  it('cuts by count and bytes, never below one event', () => {
    const items = [1, 2, 3, 4].map((deviceSeq) => ({ deviceSeq, json: 'x'.repeat(40) }));
    expect(firstBatch(items, 3).map((i) => i.deviceSeq)).toEqual([1, 2, 3]);
    expect(firstBatch(items, 10, 100).map((i) => i.deviceSeq)).toEqual([1, 2]);
    expect(firstBatch(items, 10, 5).map((i) => i.deviceSeq)).toEqual([1]);
  });
});
