import { hasErrorCode } from '../../shared/errors.ts';
import { backoffDelay, type BackoffPolicy } from './backoff.ts';
import { TRANSIENT_CODES } from './errors.ts';

export interface RetryOptions {
  readonly attempts: number;
  readonly policy: BackoffPolicy;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

function transient(error: unknown): boolean {
  return hasErrorCode(error, ...([...TRANSIENT_CODES] as `${string}/${string}`[]));
}

/** Runs `fn`, retrying transient sync failures with full-jitter backoff; others throw at once. */
export async function withRetry<T>(fn: () => Promise<T>, o: RetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await fn();
    } catch (error) {
      if (!transient(error) || attempt + 1 >= o.attempts) throw error;
      const wait = backoffDelay(attempt, o.policy, o.random());
      o.onRetry?.(error, attempt, wait);
      await o.sleep(wait);
    }
  }
}
