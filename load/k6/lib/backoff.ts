/**
 * Retry delays. Pure, so the schedule is unit-tested without k6.
 * "Full jitter": a uniform draw in [0, min(cap, base * 2^attempt)), which spreads a crowd of clients that
 * failed together instead of sending them back together (the retry storm the immediate strategy produces).
 */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly capMs: number;
}

export function fullJitterDelayMs(policy: BackoffPolicy, attempt: number, roll: number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** attempt);
  return Math.max(0, Math.min(roll, 1)) * ceiling;
}
