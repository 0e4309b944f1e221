import { parseArgs } from 'node:util';
import { Sim, type SimNode } from '../sim/cluster.ts';
import { managementTokens } from '../integration/workflow/helpers-shared.ts';

// `npm run demo -- --servers 3 --workers 2 [--kill-first-server-at PHASE]`: a whole datacenter on
// this machine. Every instance gets its own fake IMDS and --root, one fake EC2 knows them all, one
// directory stands for EFS, and each runs a real `hashinode bootstrap` that launches the Consul,
// Nomad (and Vault) stand-ins. Exit 0 only when every node reached ready.

const PHASES = ['identify', 'shared-disk', 'dns', 'elect', 'pki', 'render', 'consul-bootstrap', 'consul-join', 'acl-tokens', 'nomad', 'vault', 'ready'];

const USAGE =
  'usage: npm run demo -- [--servers N] [--workers N] [--kill-first-server-at PHASE] [--vault] [--timeout SECONDS] [--keep]\n';

function parseDemoArgs() {
  try {
    return parseArgs({
      options: {
        servers: { type: 'string', default: '3' },
        workers: { type: 'string', default: '2' },
        'kill-first-server-at': { type: 'string' },
        vault: { type: 'boolean', default: false },
        timeout: { type: 'string', default: '180' },
        keep: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

const { values } = parseDemoArgs();
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const servers = Number(values.servers);
const workers = Number(values.workers);
const killAt = values['kill-first-server-at'];
if (!Number.isInteger(servers) || servers < 1 || !Number.isInteger(workers) || workers < 0) {
  process.stderr.write(USAGE);
  process.exit(2);
}
if (killAt && !PHASES.includes(killAt)) {
  process.stderr.write(`--kill-first-server-at must be one of ${PHASES.join(', ')}\n`);
  process.exit(2);
}

const tty = process.stdout.isTTY === true;
const t0 = Date.now();
const sim = await Sim.create({ servers, workers, vault: values.vault, consulServers: Math.min(3, servers), timeout: `${values.timeout}s` });
const killed = new Set<string>();
let finished = false;
const out = (s: string) => process.stdout.write(s);
out(`hashinode demo: ${servers} servers, ${workers} workers under ${sim.dir}\n`);
out(`  shared disk ${sim.sharedDir}, fake EC2 ${sim.ec2.url}${killAt ? `, the first server is killed (SIGKILL) before ${killAt} and restarted` : ''}\n\n`);

function startNode(n: SimNode, first: boolean): void {
  const env: Record<string, string> = first && killAt ? { HASHINODE_CRASH_AT: `before:${killAt}`, HASHINODE_CRASH_ONLY_FIRST: '1', HASHINODE_CRASH_ONCE_FILE: `${sim.dir}/crashed-once` } : {};
  void sim.start(n, env).then((code) => {
    // systemd's Restart=on-failure: a killed agent is started again and resumes from its journal.
    if (code === 137 && !killed.has(n.name) && !finished) {
      killed.add(n.name);
      startNode(n, false);
    }
  });
}
for (const n of sim.nodes) startNode(n, n.roles.includes('consul-server'));

type Row = { name: string; ip: string; roles: string; phase: string; status: string; done: number; ready: boolean };
async function rows(): Promise<Row[]> {
  return Promise.all(
    sim.nodes.map(async (n) => {
      const j = await sim.journal(n);
      const entries = Object.entries(j?.phases ?? {});
      const running = entries.find(([, r]) => r.status === 'running' || r.status === 'failed');
      const last = [...entries].sort((a, b) => PHASES.indexOf(a[0]) - PHASES.indexOf(b[0])).at(-1);
      const [phase, rec] = running ?? last ?? ['starting', { status: '' }];
      return {
        name: n.name + (killed.has(n.name) ? '*' : ''),
        ip: n.ip,
        roles: n.roles.replace('consul-server', 'cs').replace('nomad-server', 'ns').replace('nomad-client', 'nc').replace('vault-server', 'vs'),
        phase,
        status: n.exitCode !== null && n.exitCode !== 0 && n.exitCode !== 137 ? `exit ${n.exitCode}` : rec.status,
        done: entries.filter(([, r]) => r.status === 'done').length,
        ready: j?.phases.ready?.status === 'done',
      };
    }),
  );
}
function table(rs: Row[]): string {
  const head = `${'node'.padEnd(11)} ${'ip'.padEnd(12)} ${'roles'.padEnd(9)} ${'phase'.padEnd(17)} ${'status'.padEnd(9)} progress`;
  const lines = rs.map((r) => `${r.name.padEnd(11)} ${r.ip.padEnd(12)} ${r.roles.padEnd(9)} ${r.phase.padEnd(17)} ${(r.ready ? 'READY' : r.status).padEnd(9)} ${'#'.repeat(r.done)}`);
  return `${head}\n${lines.join('\n')}\n  elapsed ${((Date.now() - t0) / 1000).toFixed(1)} s\n`;
}

const deadline = Date.now() + Number(values.timeout) * 1000;
let lastPrinted = '';
let drawn = 0;
let ok = false;
for (;;) {
  const rs = await rows();
  if (tty) {
    if (drawn) out(`\x1b[${drawn}A`);
    const t = table(rs);
    out(t.split('\n').map((l) => `\x1b[2K${l}`).join('\n'));
    drawn = t.split('\n').length - 1;
  } else {
    const line = rs.map((r) => `${r.name}:${r.ready ? 'READY' : `${r.phase}/${r.status}`}`).join(' ');
    if (line !== lastPrinted) out(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${line}\n`);
    lastPrinted = line;
  }
  if (rs.every((r) => r.ready)) {
    ok = true;
    break;
  }
  const dead = sim.nodes.find((n) => n.exitCode !== null && n.exitCode !== 0 && n.exitCode !== 137);
  if (dead || Date.now() > deadline) break;
  await new Promise((r) => setTimeout(r, tty ? 250 : 500));
}
const formationMs = Date.now() - t0;
finished = true;

out('\nsummary\n');
const ready = await sim.clusterReady();
const first = sim.nodes.find((n) => n.instanceId === ready?.by);
out(`  elected first server: ${first ? `${first.name} (${first.instanceId})` : 'none'}\n`);
const consulMgmt = await managementTokens(sim, 'consul');
const nomadMgmt = await managementTokens(sim, 'nomad');
out(`  Consul ACL bootstrap: ${consulMgmt.length === 1 ? 'exactly once' : `${consulMgmt.length} management tokens (expected 1)`}\n`);
out(`  Nomad ACL bootstrap:  ${nomadMgmt.length === 1 ? 'exactly once' : `${nomadMgmt.length} management tokens (expected 1)`}\n`);
if (first) {
  const leader = await fetch(`http://${first.ip}:8500/v1/status/leader`).then((r) => r.json(), () => 'unreachable');
  out(`  Consul leader: ${leader}\n`);
}
if (killed.size) out(`  killed and restarted: ${[...killed].join(', ')}\n`);
const perPhase = new Map<string, number[]>();
for (const n of sim.nodes) {
  for (const [name, r] of Object.entries((await sim.journal(n))?.phases ?? {})) {
    if (r.status === 'done' && r.durationMs !== undefined) perPhase.set(name, [...(perPhase.get(name) ?? []), r.durationMs]);
  }
}
out('  per-phase timings (ms, median / max over the nodes that ran it):\n');
for (const p of PHASES) {
  const v = (perPhase.get(p) ?? []).sort((a, b) => a - b);
  if (v.length) out(`    ${p.padEnd(17)} ${String(v[Math.floor(v.length / 2)]).padStart(6)} / ${String(v.at(-1)).padStart(6)}  (${v.length} nodes)\n`);
}
out(`  formation: ${(formationMs / 1000).toFixed(1)} s, ${ok ? 'every node READY' : 'NOT every node ready'}\n`);
if (!ok) {
  for (const n of sim.nodes) if (n.errors.trim()) out(`\n--- ${n.name} stderr ---\n${n.errors.slice(-1500)}\n`);
}
await sim.close(values.keep);
if (values.keep) out(`  kept ${sim.dir}\n`);
process.exit(ok && consulMgmt.length === 1 ? 0 : 1);
