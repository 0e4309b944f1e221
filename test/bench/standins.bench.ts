import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { nodeHttp } from '../../agent/core/http.ts';
import { eventually, loopbackBlock, type StandinProcess, startStandin } from '../fakes/standins/spawn.ts';
import { type Bench, type BenchRow, median } from './harness.ts';

// What the Consul stand-in costs the simulated datacenter, so its time can be reported apart
// from hashinode's: start to a leader for one bootstrap server (against a bare `node -e 0` of
// the same Node), the resident memory of a running agent, and formation of three servers
// (bootstrap_expect = 3, started together) to one leader seen by all.

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

const bench: Bench = async (ctx) => {
  const runs = ctx.quick ? 2 : 5;
  const root = mkdtempSync(path.join(tmpdir(), 'hashinode-standins-bench-'));
  const procs: StandinProcess[] = [];
  const node = path.join(ctx.repo, 'node_modules/.bin/node');
  try {
    const bare: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      spawnSync(node, ['-e', '0']);
      bare.push(performance.now() - t0);
    }

    const leaderTimes: number[] = [];
    let rss = Number.NaN;
    for (let i = 0; i < runs; i++) {
      const ip = loopbackBlock();
      const dir = path.join(root, `one-${i}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        path.join(dir, 'consul.hcl'),
        `node_name = "b${i}"\ndata_dir = "${dir}/data"\nserver = true\nbootstrap_expect = 1\nbind_addr = "${ip(1)}"\nclient_addr = "${ip(1)}"\n`,
      );
      const t0 = performance.now();
      const p = startStandin('consul', ['agent', `-config-dir=${dir}`], { HASHINODE_SIM_STATE_DIR: path.join(dir, 'state') });
      procs.push(p);
      await eventually(async () => {
        const r = await nodeHttp.request({ method: 'GET', url: `http://${ip(1)}:8500/v1/status/leader`, timeoutMs: 2_000 });
        return JSON.parse(r.body) ? true : undefined;
      }, 'leader', 60_000);
      leaderTimes.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 500));
      rss = rssMiB(p.child.pid!);
      await p.stop('SIGKILL');
    }

    const ip = loopbackBlock();
    const state = path.join(root, 'three-state');
    const t0 = performance.now();
    for (const n of [1, 2, 3]) {
      const dir = path.join(root, `three-${n}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        path.join(dir, 'consul.hcl'),
        `node_name = "t${n}"\ndata_dir = "${dir}/data"\nserver = true\nbootstrap_expect = 3\nbind_addr = "${ip(n)}"\nclient_addr = "${ip(n)}"\nretry_join = ["${ip(1)}", "${ip(2)}", "${ip(3)}"]\n`,
      );
      procs.push(startStandin('consul', ['agent', `-config-dir=${dir}`], { HASHINODE_SIM_STATE_DIR: state, HASHINODE_SIM_RETRY_INTERVAL_MS: '250' }));
    }
    await eventually(async () => {
      const ls = await Promise.all([1, 2, 3].map(async (n) => JSON.parse((await nodeHttp.request({ method: 'GET', url: `http://${ip(n)}:8500/v1/status/leader`, timeoutMs: 2_000 })).body) as string));
      return ls[0] && ls.every((l) => l === ls[0]) ? true : undefined;
    }, 'three-server leader', 60_000);
    const formation = performance.now() - t0;

    const rows: BenchRow[] = [
      {
        group: 'stand-ins',
        name: 'consul stand-in: start to leader (bootstrap_expect = 1)',
        value: Math.round(median(leaderTimes)),
        unit: 'ms',
        baseline: { name: 'node -e 0', value: Math.round(median(bare)) },
      },
      { group: 'stand-ins', name: 'consul stand-in: resident memory of a running agent', value: Math.round(rss), unit: 'MiB' },
      { group: 'stand-ins', name: 'consul stand-ins: 3 servers started together to one leader', value: Math.round(formation), unit: 'ms' },
    ];
    return rows;
  } finally {
    await Promise.all(procs.map((p) => p.stop('SIGKILL')));
    rmSync(root, { recursive: true, force: true });
  }
};

export default bench;
