/**
 * Retry timing, pure. "Full jitter" (each wait uniform in [0, min(cap, base·2^attempt)]) spreads
 * a fleet of buses that all reach the depot at once instead of having them retry in step.
 */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly capMs: number;
}

export const UPLOAD_BACKOFF: BackoffPolicy = { baseMs: 250, capMs: 8_000 };
/** Between whole sync runs of the service when the backend stays unreachable. */
export const SESSION_BACKOFF: BackoffPolicy = { baseMs: 5_000, capMs: 5 * 60_000 };

/** The wait before retry number `attempt` (0-based), given a uniform random value in [0, 1). */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random01: number): number {
  const exp = policy.baseMs * 2 ** Math.min(Math.max(0, attempt), 30);
  const ceiling = Math.min(policy.capMs, exp);
  return Math.floor(Math.min(Math.max(random01, 0), 0.999999) * ceiling);
}
