import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type FakeEc2, startFakeEc2 } from '../fakes/ec2.ts';
import { type FakeImds, startFakeImds } from '../fakes/imds.ts';
import { signingKey } from '../fakes/signing-key.ts';

// A simulated datacenter on one machine: per-instance fake IMDS, one fake EC2, a directory standing
// for EFS, and one real `hashinode bootstrap` process per instance with its own --root, launching
// the Consul/Nomad/Vault stand-ins through the local service manager. Used by the demo, the
// workflow integration tests and the bench.

export const REPO = path.resolve(import.meta.dirname, '../..');
const MAIN = path.join(REPO, 'agent/main.ts');
const NODE = path.join(REPO, 'node_modules/.bin/node');
const REGION = 'us-east-1';
const CLUSTER = 'sim';

export interface SimNode {
  name: string;
  instanceId: string;
  ip: string;
  roles: string;
  root: string;
  imds: FakeImds;
  proc: ChildProcess | null;
  output: string;
  errors: string;
  exitCode: number | null;
  exited: Promise<number> | null;
}

export interface SimOptions {
  servers: number;
  workers: number;
  /** bootstrap_expect (default: servers, at most 3). */
  consulServers?: number;
  pollInterval?: string;
  lease?: string;
  timeout?: string;
  /** Vault on the servers. */
  vault?: boolean;
  /** Where everything lives (default a new temp dir). */
  dir?: string;
  /** Third octet of the nodes' loopback addresses 127.0.X.10+ (default 1): parallel sims differ. */
  subnet?: number;
}

export function instanceIdOf(i: number): string {
  return `i-${(0xa000 + i).toString(16).padStart(17, '0')}`;
}

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\nconsul:x:990:990::/opt/consul:/usr/sbin/nologin\nnomad:x:991:991::/opt/nomad:/usr/sbin/nologin\nvault:x:992:992::/opt/vault:/usr/sbin/nologin\n';
const GROUP = 'root:x:0:\nconsul:x:990:\nnomad:x:991:\nvault:x:992:\n';

export class Sim {
  readonly dir: string;
  readonly sharedDir: string;
  readonly stateDir: string;
  readonly nodes: SimNode[];
  readonly ec2: FakeEc2;
  readonly opts: SimOptions;

  private constructor(dir: string, nodes: SimNode[], ec2: FakeEc2, opts: SimOptions) {
    this.dir = dir;
    this.sharedDir = path.join(dir, 'efs');
    this.stateDir = path.join(dir, 'sim-state');
    this.nodes = nodes;
    this.ec2 = ec2;
    this.opts = opts;
  }

  static async create(opts: SimOptions): Promise<Sim> {
    const dir = opts.dir ?? (await mkdtemp(path.join(tmpdir(), 'hashinode-sim-')));
    await mkdir(path.join(dir, 'efs'), { recursive: true });
    await mkdir(path.join(dir, 'sim-state'), { recursive: true });
    const key = signingKey();
    const expect = opts.consulServers ?? Math.min(3, opts.servers);
    const specs = [
      ...Array.from({ length: opts.servers }, (_, i) => ({ name: `server-${i + 1}`, roles: `consul-server,nomad-server${opts.vault ? ',vault-server' : ''}` })),
      ...Array.from({ length: opts.workers }, (_, i) => ({ name: `worker-${i + 1}`, roles: 'nomad-client' })),
    ];
    const nodes: SimNode[] = [];
    for (const [i, s] of specs.entries()) {
      const instanceId = instanceIdOf(i);
      const ip = `127.0.${opts.subnet ?? 1}.${10 + i}`;
      const tags = { 'hashinode:cluster': CLUSTER, 'hashinode:roles': s.roles, Name: s.name };
      const imds = await startFakeImds({
        instance: { instanceId, privateIp: ip, region: REGION, availabilityZone: `${REGION}a` },
        tags,
        signingKeyPem: key.privateKeyPem,
        signingCertificatePem: key.certificatePem,
      });
      const root = path.join(dir, 'nodes', s.name);
      await mkdir(path.join(root, 'etc/hashinode'), { recursive: true });
      await writeFile(path.join(root, 'etc/passwd'), PASSWD);
      await writeFile(path.join(root, 'etc/group'), GROUP);
      await writeFile(
        path.join(root, 'etc/hashinode/hashinode.env'),
        `HASHINODE_CLIENT_ADDR=${ip}\nHASHINODE_CONSUL_SERVERS=${expect}\nHASHINODE_NOMAD_SERVERS=${expect}\nHASHINODE_EFS=fs-0123456789abcdef0\n`,
      );
      await writeFile(path.join(root, 'etc/hashinode/identity-certs.json'), JSON.stringify({ [REGION]: key.certificatePem }));
      nodes.push({ name: s.name, instanceId, ip, roles: s.roles, root, imds, proc: null, output: '', errors: '', exitCode: null, exited: null });
    }
    const ec2 = await startFakeEc2({
      instances: nodes.map((n) => ({ instanceId: n.instanceId, state: 'running', privateIp: n.ip, az: `${REGION}a`, tags: { ...n.imds.tags } })),
    });
    return new Sim(dir, nodes, ec2, opts);
  }

  /** Starts `hashinode bootstrap` for a node (again, after a crash: the journal resumes it). */
  start(node: SimNode, env: Record<string, string> = {}, extraArgs: string[] = []): Promise<number> {
    const args = [
      '--disable-warning=ExperimentalWarning',
      MAIN,
      'bootstrap',
      '--root',
      node.root,
      '--imds-endpoint',
      node.imds.url,
      '--aws-endpoint',
      this.ec2.url,
      '--service-manager',
      'local',
      '--bin-dir',
      path.join(REPO, 'test/fakes/bin'),
      '--shared-dir',
      this.sharedDir,
      '--poll-interval',
      this.opts.pollInterval ?? '200ms',
      '--lease',
      this.opts.lease ?? '3s',
      // Above twice the poll interval, as the mailbox requires, and short enough for a demo.
      '--mailbox-settle',
      '1s',
      '--timeout',
      this.opts.timeout ?? '3m',
      '--wait',
      '--serve',
      '--json',
      '--log-level',
      process.env.HASHINODE_SIM_LOG_LEVEL ?? 'warn',
      ...extraArgs,
    ];
    const proc = spawn(NODE, args, {
      env: {
        ...process.env,
        AWS_ENDPOINT_URL_EC2: this.ec2.url,
        AWS_REGION: REGION,
        // The stand-ins' cloud auto-join takes the instance-profile credentials from this node's IMDS.
        AWS_EC2_METADATA_SERVICE_ENDPOINT: node.imds.url,
        HASHINODE_SIM_STATE_DIR: this.stateDir,
        HASHINODE_SIM_PRIVATE_IP: node.ip,
        HASHINODE_SIM_RETRY_INTERVAL_MS: '200',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    node.proc = proc;
    node.exitCode = null;
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => (node.output += d));
    proc.stderr!.setEncoding('utf8').on('data', (d: string) => (node.errors += d));
    node.exited = new Promise((resolve) => {
      proc.on('exit', (code, signal) => {
        node.exitCode = code ?? (signal ? 128 + 9 : 1);
        resolve(node.exitCode);
      });
    });
    return node.exited;
  }

  async journal(node: SimNode): Promise<{ phases: Record<string, { status: string; durationMs?: number; summary?: string; bootId?: string; startedAt?: string; endedAt?: string }>; runs: unknown[] } | null> {
    try {
      return JSON.parse(await readFile(path.join(node.root, 'var/lib/hashinode/journal.json'), 'utf8'));
    } catch {
      return null;
    }
  }

  async clusterReady(): Promise<{ by: string } | null> {
    try {
      return JSON.parse(await readFile(path.join(this.sharedDir, 'hashinode', CLUSTER, 'cluster-ready.json'), 'utf8'));
    } catch {
      return null;
    }
  }

  /** Resolves when every node's journal says ready (or rejects when a node exits with an error). */
  async waitReady(timeoutMs: number, nodes: SimNode[] = this.nodes, bootId?: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const states = await Promise.all(nodes.map(async (n) => ({ n, j: await this.journal(n) })));
      if (states.every(({ j }) => j?.phases.ready?.status === 'done' && (bootId === undefined || j.phases.ready.bootId === bootId))) return;
      const failed = nodes.find((n) => n.exitCode !== null && n.exitCode !== 0);
      if (failed) throw new Error(`${failed.name} exited ${failed.exitCode}:\n${failed.errors.slice(-2000)}`);
      if (Date.now() > deadline) {
        const table = states.map(({ n, j }) => `${n.name}: ${Object.entries(j?.phases ?? {}).map(([k, v]) => `${k}=${v.status}`).join(' ')}`);
        throw new Error(`not ready within ${timeoutMs} ms:\n${table.join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** The stand-ins' replicated state of a service (raft-like file in the state dir). */
  async raft(service: 'consul' | 'nomad'): Promise<{ data: { bootstrapIndex: number; tokens: Record<string, { SecretID: string; Policies?: { ID?: string; Name?: string }[] }> } } | null> {
    const file = path.join(this.stateDir, service, service === 'consul' ? 'raft-dc1.json' : 'raft-global.json');
    try {
      return JSON.parse(await readFile(file, 'utf8'));
    } catch {
      return null;
    }
  }

  /** Stops every hashinode process and every service the nodes started. */
  async stop(): Promise<void> {
    for (const n of this.nodes) {
      if (n.proc && n.exitCode === null) n.proc.kill('SIGTERM');
    }
    const stuck = setTimeout(() => {
      for (const n of this.nodes) if (n.proc && n.exitCode === null) n.proc.kill('SIGKILL');
    }, 10_000);
    await Promise.all(this.nodes.map((n) => (n.exitCode === null ? n.exited : null)));
    clearTimeout(stuck);
    for (const n of this.nodes) await stopServices(n.root);
  }

  async close(keep = false): Promise<void> {
    await this.stop();
    for (const n of this.nodes) await n.imds.close();
    await this.ec2.close();
    if (!keep && !this.opts.dir) await rm(this.dir, { recursive: true, force: true });
  }
}

/** SIGTERM then SIGKILL every service a node's local service manager started. */
export async function stopServices(root: string): Promise<void> {
  const dir = path.join(root, 'run/hashinode/services');
  const names = await readdir(dir).catch(() => [] as string[]);
  const pids: number[] = [];
  for (const name of names) {
    const pid = Number((await readFile(path.join(dir, name), 'utf8').catch(() => '')).trim());
    if (Number.isInteger(pid) && pid > 0) {
      try {
        process.kill(pid, 'SIGTERM');
        pids.push(pid);
      } catch {
        // already gone
      }
    }
  }
  for (let i = 0; i < 40 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 50));
  for (const pid of pids.filter(alive)) process.kill(pid, 'SIGKILL');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
