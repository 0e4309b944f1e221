// The contract between bench files and the runner (test/bench/run.mjs): every `test/bench/*.bench.ts`
// default-exports a function returning rows. A row is one figure; a comparison row also carries the
// baseline it was measured against in the same run, so the ratio means something on any machine.

export interface BenchRow {
  /** Section of the table, e.g. "start-up", "hcl", "election". */
  group: string;
  name: string;
  value: number;
  unit: string;
  /** The figure it is compared with, measured in the same run. */
  baseline?: { name: string; value: number };
  /** The goal as written in the issue, e.g. "ratio <= 2.0"; shown with pass/miss when `met` is set. */
  goal?: string;
  met?: boolean;
}

export interface BenchContext {
  /** Repository root. */
  repo: string;
  /** Fewer iterations when true (CI smoke of the bench itself). */
  quick: boolean;
  log(message: string): void;
}

export type Bench = (ctx: BenchContext) => Promise<BenchRow[]>;

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median milliseconds of `runs` calls of `fn`, after one warm-up call (which loads lazy modules). */
export async function timeMedian(runs: number, fn: () => unknown): Promise<number> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}
