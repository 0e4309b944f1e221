import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Sim } from '../sim/cluster.ts';
import { type Bench, type BenchRow, median } from './harness.ts';

// Formation of a simulated datacenter (3 servers + 20 workers; 3 + 3 with --quick): wall time to
// every node ready, how long after the first server published "cluster ready" the last node got
// ready, and CPU time per node of hashinode itself (from its journal) next to the stand-ins'
// (from /proc), which are reported apart.

const TICK_MS = 10; // USER_HZ is 100 on Linux

async function serviceCpuMs(root: string): Promise<number> {
  let total = 0;
  for (const unit of ['consul', 'nomad', 'vault']) {
    const pid = Number((await readFile(path.join(root, 'run/hashinode/services', `${unit}.pid`), 'utf8').catch(() => '')).trim());
    if (!pid) continue;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    total += (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  }
  return total;
}

const bench: Bench = async (ctx) => {
  const workers = ctx.quick ? 3 : 20;
  const pollMs = 250;
  const sim = await Sim.create({ servers: 3, workers, pollInterval: `${pollMs}ms`, timeout: '8m', subnet: 90 });
  try {
    const t0 = Date.now();
    for (const n of sim.nodes) void sim.start(n);
    await sim.waitReady(9 * 60_000);
    const formationMs = Date.now() - t0;
    const ready = await sim.clusterReady();
    const readyAt = Date.parse((ready as { at?: string } | null)?.at ?? '');
    const ends: number[] = [];
    const agentCpu: number[] = [];
    const serviceCpu: number[] = [];
    for (const n of sim.nodes) {
      const j = (await sim.journal(n)) as { phases: Record<string, { endedAt?: string }>; runs: { cpuMs?: number }[] } | null;
      const end = Date.parse(j?.phases.ready?.endedAt ?? '');
      if (Number.isFinite(end)) ends.push(end);
      const cpu = j?.runs.at(-1)?.cpuMs;
      if (cpu !== undefined) agentCpu.push(cpu);
      serviceCpu.push(await serviceCpuMs(n.root));
    }
    const lag = Number.isFinite(readyAt) && ends.length ? Math.max(...ends) - readyAt : Number.NaN;
    ctx.log(`formation of 3 servers + ${workers} workers: ${formationMs} ms`);
    const rows: BenchRow[] = [
      { group: 'workflow', name: `formation, 3 servers + ${workers} workers (wall)`, value: formationMs, unit: 'ms' },
      {
        group: 'workflow',
        name: 'last node ready after "cluster ready" was published',
        value: lag,
        unit: 'ms',
        baseline: { name: 'poll interval', value: pollMs },
        goal: 'within one polling interval of the first server’s verification',
        met: lag <= pollMs,
      },
      {
        group: 'workflow',
        name: 'hashinode CPU time per node (median)',
        value: median(agentCpu),
        unit: 'ms',
        baseline: { name: 'stand-ins CPU time per node (median, apart)', value: median(serviceCpu) },
        goal: 'agent adds < 1 s of its own time per node',
        met: median(agentCpu) < 1000,
      },
      { group: 'workflow', name: 'hashinode CPU time per node (max)', value: Math.max(...agentCpu), unit: 'ms' },
    ];
    return rows;
  } finally {
    await sim.close();
  }
};

export default bench;
