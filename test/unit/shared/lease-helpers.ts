import { ManualClock } from '../../../agent/core/clock.ts';
import { createLog, type Log } from '../../../agent/core/log.ts';
import { acquireLease, type Lease, type LeaseOptions } from '../../../agent/shared/lease.ts';

export interface CapturedLog {
  log: Log;
  lines: () => Record<string, unknown>[];
}

export function captureLog(): CapturedLog {
  const out: string[] = [];
  const log = createLog({ level: 'debug', destination: { write: (s: string) => void out.push(s) } });
  return { log, lines: () => out.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/** Waits (real time) until every lease loop on `clock` is asleep again after real file I/O. */
export async function quiesce(clock: ManualClock, sleepers: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (clock.pendingSleeps() < sleepers) {
    if (Date.now() > deadline) throw new Error(`only ${clock.pendingSleeps()} of ${sleepers} loops asleep`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Advances in steps of `step` ms, letting the loops finish their I/O between steps. */
export async function run(clock: ManualClock, ms: number, sleepers: number, step = 50): Promise<void> {
  for (let done = 0; done < ms; done += step) {
    await clock.advance(Math.min(step, ms - done));
    await quiesce(clock, sleepers);
  }
}

export async function contender(
  clusterDir: string,
  holder: string,
  clock: ManualClock,
  extra: Partial<LeaseOptions> = {},
  log: Log = captureLog().log,
): Promise<Lease> {
  return acquireLease({ clusterDir, holder, ip: '10.0.0.1', leaseMs: 600, ...extra }, { clock, log });
}

export { ManualClock };
