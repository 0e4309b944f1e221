// Time is injected so leases, backoff and timeouts can be tested without real sleeps, and so
// liveness is judged on a monotonic clock that wall-clock jumps (NTP steps, a frozen VM) cannot move.

export interface Clock {
  /** Wall-clock milliseconds since the epoch: for timestamps people read, never for durations. */
  now(): number;
  /** Monotonic milliseconds from an arbitrary origin: for every duration and deadline. */
  monotonic(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * A clock that only moves when told to. `sleep` resolves when `advance` passes its deadline, so a
 * test can drive retries and leases step by step. Wall and monotonic time can be moved apart to
 * simulate clock jumps.
 */
export class ManualClock implements Clock {
  private wall: number;
  private mono: number;
  private sleepers: { until: number; resolve: () => void; reject: (e: unknown) => void }[] = [];

  constructor(start = { wall: Date.UTC(2026, 0, 1), mono: 1_000 }) {
    this.wall = start.wall;
    this.mono = start.mono;
  }

  now(): number {
    return this.wall;
  }

  monotonic(): number {
    return this.mono;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const sleeper = { until: this.mono + Math.max(0, ms), resolve, reject };
      this.sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  /** Moves both clocks forward and wakes every sleeper whose deadline has passed. */
  async advance(ms: number): Promise<void> {
    const target = this.mono + ms;
    for (;;) {
      const next = this.sleepers.filter((s) => s.until <= target).sort((a, b) => a.until - b.until)[0];
      if (!next) break;
      this.wall += next.until - this.mono;
      this.mono = next.until;
      this.sleepers = this.sleepers.filter((s) => s !== next);
      next.resolve();
      // Let the woken code run (and maybe sleep again) before moving on.
      for (let i = 0; i < 10; i++) await Promise.resolve();
      await new Promise((r) => setImmediate(r));
    }
    this.wall += target - this.mono;
    this.mono = target;
  }

  /** Steps only the wall clock, as NTP or a resumed VM would. */
  jumpWall(ms: number): void {
    this.wall += ms;
  }

  pendingSleeps(): number {
    return this.sleepers.length;
  }
}
