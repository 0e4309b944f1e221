// Capped exponential backoff with "equal jitter": the delay before retry n (0-based) is uniform in
// [c/2, c] with c = min(cap, base * 2^n). The jitter spreads a fleet that boots together; the floor
// keeps every retry a real pause, so a deadline is always reached in bounded attempts.

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  /** Uniform [0,1): injectable so tests can pin the jitter. */
  random?: () => number;
}

export function backoffDelay(attempt: number, policy: BackoffPolicy): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(ceiling / 2 + (policy.random ?? Math.random)() * (ceiling / 2));
}
