import type { Clock } from '../core/clock.ts';
import { HashinodeError } from '../core/errors.ts';

export interface WaitOptions {
  clock: Clock;
  timeoutMs: number;
  pollMs: number;
  /** What is awaited, for the timeout message (e.g. "a Consul leader at http://127.0.0.1:8500"). */
  what: string;
  signal?: AbortSignal;
}

/**
 * Polls `probe` until it returns a value other than undefined. Errors count as "not yet" (a service
 * that is still starting refuses connections); the last one is named in the timeout.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined>, opts: WaitOptions): Promise<T> {
  const deadline = opts.clock.monotonic() + opts.timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (opts.clock.monotonic() >= deadline) {
      const why = last instanceof Error ? ` (last error: ${last.message})` : '';
      throw new HashinodeError('HN_E_TIMEOUT', `timed out after ${Math.round(opts.timeoutMs / 1000)} s waiting for ${opts.what}${why}`, {
        cause: last,
        details: { what: opts.what },
      });
    }
    await opts.clock.sleep(opts.pollMs, opts.signal);
  }
}
