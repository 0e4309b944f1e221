import type { ManualClock } from '../../agent/core/clock.ts';

// Runs `work` to completion on a ManualClock: whenever the code under test sleeps, time moves on in
// small steps; while it waits on real I/O (a socket), real time passes briefly. No long real sleeps.

export async function drive<T>(clock: ManualClock, work: Promise<T>, stepMs = 50): Promise<T> {
  let done = false;
  const settled = work.finally(() => {
    done = true;
  });
  settled.catch(() => {});
  while (!done) {
    if (clock.pendingSleeps() > 0) await clock.advance(stepMs);
    else await new Promise((r) => setTimeout(r, 1));
  }
  return settled;
}
