import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { until, Worker } from '../integration/shared/procs.ts';
import { type Bench, type BenchRow, median } from './harness.ts';

// The election on a local directory with real processes: how long 50 simultaneous contenders take
// to settle (baseline: one contender alone, same workers), how long a takeover takes after kill -9
// of the holder (goal: lease + 2 heartbeats; baseline: the lease itself, the least any takeover can
// take), and the CPU an idle follower burns while polling (baseline: an idle Node process).

const CONTENDERS = 50;

/** CPU seconds (user + system) of a process so far, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[11] = utime, fields[12] = stime (clock ticks; 100 per second on Linux)
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function settleTimes(root: string, workers: Worker[], rounds: number, label: string): Promise<number> {
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const clusterDir = path.join(root, `${label}-${r}`, 'hashinode', 'c1');
    const before = workers.map((w) => w.lines.length);
    const at = Date.now() + 200;
    for (const w of workers) w.child.stdin.write(`go ${clusterDir} ${at}\n`);
    let done = 0;
    await until(() => {
      if (workers.every((w, i) => w.lines.length > before[i]!)) done = Date.now();
      return done > 0;
    }, 60_000, 'all contenders decided');
    const leaders = workers.filter((w, i) => w.lines[before[i]!]!.leader).length;
    if (leaders !== 1) throw new Error(`round ${r}: ${leaders} leaders`);
    samples.push(done - at);
  }
  return median(samples);
}

async function takeover(root: string, leaseMs: number, i: number): Promise<number> {
  const dir = path.join(root, `takeover-${i}`, 'hashinode', 'c1');
  const holder = new Worker(['hold', dir, 'i-holder', String(leaseMs)]);
  const followers: Worker[] = [];
  try {
    await holder.waitFor((l) => l.leader === true, 30_000, 'holder leading');
    followers.push(new Worker(['hold', dir, 'i-f1', String(leaseMs)]), new Worker(['hold', dir, 'i-f2', String(leaseMs)]));
    await Promise.all(followers.map((f) => f.waitFor((l) => l.holder === 'i-holder', 30_000, 'following')));
    await new Promise((r) => setTimeout(r, leaseMs)); // followers have watched the heartbeat move
    const t0 = performance.now();
    holder.kill('SIGKILL');
    let t1 = 0;
    await until(() => {
      if (followers.some((f) => f.last?.leader === true)) t1 = performance.now();
      return t1 > 0;
    }, 30_000, 'a new leader');
    return t1 - t0;
  } finally {
    for (const w of [holder, ...followers]) w.kill();
    await Promise.all([holder, ...followers].map((w) => w.exited));
  }
}

async function idleCpu(root: string, windowMs: number): Promise<{ follower: number; baseline: number }> {
  const dir = path.join(root, 'idle', 'hashinode', 'c1');
  const holder = new Worker(['hold', dir, 'i-holder', '15000']);
  await holder.waitFor((l) => l.leader === true, 30_000, 'holder leading');
  const follower = new Worker(['hold', dir, 'i-follower', '15000']);
  const idle = spawn(process.execPath, ['-e', 'setInterval(() => {}, 2500)'], { stdio: 'ignore' });
  try {
    await follower.waitFor((l) => l.holder === 'i-holder', 30_000, 'follower following');
    await new Promise((r) => setTimeout(r, 3000)); // start-up is not idling
    const f0 = cpuSeconds(follower.child.pid!);
    const b0 = cpuSeconds(idle.pid!);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, windowMs));
    const elapsed = (performance.now() - t0) / 1000;
    if (follower.last?.leader) throw new Error('the follower took over during the idle window');
    return {
      follower: ((cpuSeconds(follower.child.pid!) - f0) / elapsed) * 100,
      baseline: ((cpuSeconds(idle.pid!) - b0) / elapsed) * 100,
    };
  } finally {
    idle.kill('SIGKILL');
    holder.kill();
    follower.kill();
    await Promise.all([holder.exited, follower.exited]);
  }
}

const bench: Bench = async (ctx) => {
  const root = mkdtempSync(path.join(tmpdir(), 'hashinode-bench-shared-'));
  const rows: BenchRow[] = [];
  const workers: Worker[] = [];
  try {
    for (let i = 0; i < CONTENDERS; i++) workers.push(new Worker(['race']));
    await until(() => workers.every((w) => w.lines.some((l) => l.ready)), 120_000, 'contenders ready');
    const rounds = ctx.quick ? 3 : 15;
    const alone = await settleTimes(root, workers.slice(0, 1), rounds, 'alone');
    const all = await settleTimes(root, workers, rounds, 'all');
    ctx.log(`settle: ${CONTENDERS} contenders ${all} ms, one alone ${alone} ms (median of ${rounds})`);
    rows.push({
      group: 'election',
      name: `${CONTENDERS} contenders settle (one leader), median ms`,
      value: all,
      unit: 'ms',
      baseline: { name: 'one contender alone', value: alone },
    });
  } finally {
    for (const w of workers) w.kill();
    await Promise.all(workers.map((w) => w.exited));
  }

  const leaseMs = 1500;
  const goal = leaseMs + 2 * (leaseMs / 3);
  const takeovers: number[] = [];
  for (let i = 0; i < (ctx.quick ? 1 : 5); i++) takeovers.push(await takeover(root, leaseMs, i));
  const worst = Math.max(...takeovers);
  ctx.log(`takeover after kill -9 (lease ${leaseMs} ms): ${takeovers.map((t) => Math.round(t)).join(', ')} ms`);
  rows.push({
    group: 'election',
    name: `takeover after kill -9, lease ${leaseMs} ms, worst of ${takeovers.length}`,
    value: Math.round(worst),
    unit: 'ms',
    baseline: { name: 'the lease itself', value: leaseMs },
    goal: `<= lease + 2 heartbeats (${Math.round(goal)} ms)`,
    met: worst <= goal,
  });

  const windowMs = ctx.quick ? 10_000 : 60_000;
  const cpu = await idleCpu(root, windowMs);
  ctx.log(`idle follower CPU over ${windowMs / 1000} s: ${cpu.follower.toFixed(3)} % (idle node ${cpu.baseline.toFixed(3)} %)`);
  rows.push({
    group: 'election',
    name: `idle follower CPU, lease 15 s, over ${windowMs / 1000} s${ctx.quick ? ' (quick: shortened window)' : ''}`,
    value: Number(cpu.follower.toFixed(3)),
    unit: '%',
    baseline: { name: 'an idle node process', value: Number(cpu.baseline.toFixed(3)) },
    goal: '<= 0.5 %',
    met: cpu.follower <= 0.5,
  });
  rmSync(root, { recursive: true, force: true });
  return rows;
};

export default bench;
