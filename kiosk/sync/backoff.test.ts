import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, UPLOAD_BACKOFF } from './backoff.ts';

describe('backoff with full jitter', () => {
  it('stays within [0, min(cap, base·2^attempt)) (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (attempt, r) => {
          const d = backoffDelay(attempt, UPLOAD_BACKOFF, r);
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThan(
            Math.min(UPLOAD_BACKOFF.capMs, UPLOAD_BACKOFF.baseMs * 2 ** attempt),
          );
        },
      ),
    );
  });

  it('grows with the attempt until the cap', () => {
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(a, { baseMs: 100, capMs: 1000 }, 0.5))).toEqual(
      [50, 100, 200, 400, 500],
    );
  });
});
