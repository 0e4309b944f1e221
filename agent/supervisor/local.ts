import { spawn } from 'node:child_process';
import { mkdir, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../core/clock.ts';
import { HashinodeError } from '../core/errors.ts';
import type { Paths } from '../core/paths.ts';
import { readOptional, removeIfPresent, writeDurable } from '../phases/durable.ts';
import { syncDropIn } from './dropins.ts';
import type { ServiceManager, Unit } from './service-manager.ts';

// Runs the service binaries directly, for the simulated datacenter and tests without root or
// systemd. Processes are detached, as under systemd: killing the agent must not kill Consul. Pids
// live under the root so a restarted agent finds the services its predecessor started.

export interface LocalServiceManagerOptions {
  paths: Paths;
  clock: Clock;
  /** Directory holding `consul`, `nomad`, `vault` executables. */
  binDir: string;
  /** Extra environment for the services (e.g. the simulation's state directory, the EC2 endpoint). */
  env?: Record<string, string>;
  /** SIGTERM, then SIGKILL after this long (default 10 s). */
  stopTimeoutMs?: number;
  /** How long a fresh process must survive to count as started (default 300 ms). */
  startGraceMs?: number;
}

const CONFIG_DIRS: Record<'consul' | 'nomad' | 'vault', string> = { consul: '/etc/consul.d', nomad: '/etc/nomad.d', vault: '/etc/vault.d' };

/**
 * Where the service reads its config. Under a root other than `/` (simulated nodes sharing one
 * host), a copy of the config dir whose absolute host paths (/etc, /opt, /var, /run) point under
 * the root, so each node's service finds its own certificates and data directory.
 */
export function localConfigDir(unit: 'consul' | 'nomad' | 'vault', paths: Paths): string {
  return paths.root === '/' ? CONFIG_DIRS[unit] : path.join(paths.runDir, 'local-config', `${unit}.d`);
}

export function rootedConfigText(text: string, root: string): string {
  if (root === '/') return text;
  return text.replace(/"(\/(?:etc|opt|var|run)\/[^"]*)"/g, (_m, p: string) => JSON.stringify(path.join(root, p)));
}

async function prepareConfig(unit: 'consul' | 'nomad' | 'vault', paths: Paths): Promise<void> {
  if (paths.root === '/') return;
  const src = paths.host(CONFIG_DIRS[unit]);
  const dst = localConfigDir(unit, paths);
  await rm(dst, { recursive: true, force: true });
  await mkdir(dst, { recursive: true });
  const names = await readdir(src).catch(() => [] as string[]);
  for (const name of names) {
    if (!/\.(hcl|json)$/.test(name)) continue;
    const text = await readFile(path.join(src, name), 'utf8');
    await writeFile(path.join(dst, name), rootedConfigText(text, paths.root), { mode: 0o600 });
  }
  for (const dir of ['/opt/consul', '/opt/nomad/data', '/opt/vault/data']) await mkdir(paths.host(dir), { recursive: true });
}

function commandFor(unit: Unit, binDir: string, paths: Paths): { file: string; args: string[] } | null {
  switch (unit) {
    case 'consul':
      return { file: path.join(binDir, 'consul'), args: ['agent', `-config-dir=${localConfigDir('consul', paths)}`] };
    case 'nomad':
      return { file: path.join(binDir, 'nomad'), args: ['agent', `-config=${localConfigDir('nomad', paths)}`] };
    case 'vault':
      return { file: path.join(binDir, 'vault'), args: ['server', `-config=${localConfigDir('vault', paths)}`] };
    case 'dnsmasq':
      // All simulated nodes share one host's port 53: DNS is rendered but not served locally.
      return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class LocalServiceManager implements ServiceManager {
  readonly kind = 'local' as const;
  private readonly opts: LocalServiceManagerOptions;

  constructor(opts: LocalServiceManagerOptions) {
    this.opts = opts;
  }

  private pidFile(unit: Unit): string {
    return path.join(this.opts.paths.runDir, 'services', `${unit}.pid`);
  }

  logFile(unit: Unit): string {
    return this.opts.paths.host(`/var/log/hashinode/${unit}.log`);
  }

  async setDropIn(unit: Unit, name: string, content: string | null): Promise<{ changed: boolean }> {
    // Kept on disk like systemd's, so the same checks hold; the local runner has no Type= to change.
    return { changed: await syncDropIn(this.opts.paths, unit, name, content) };
  }

  async enable(_unit: Unit): Promise<void> {}

  /** The running process's pid, or null. A pid reused by another program does not count. */
  async pid(unit: Unit): Promise<number | null> {
    const text = await readOptional(this.pidFile(unit));
    const pid = Number(text?.trim());
    if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return null;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
    if (stat && /\) Z /.test(stat)) return null;
    const cmd = commandFor(unit, this.opts.binDir, this.opts.paths);
    if (cmdline !== null && cmd && !cmdline.includes(cmd.args[1]!)) return null;
    return pid;
  }

  async isActive(unit: Unit): Promise<boolean> {
    if (commandFor(unit, this.opts.binDir, this.opts.paths) === null) return (await readOptional(this.pidFile(unit))) !== null;
    return (await this.pid(unit)) !== null;
  }

  async start(unit: Unit): Promise<void> {
    if (await this.isActive(unit)) return;
    const cmd = commandFor(unit, this.opts.binDir, this.opts.paths);
    if (cmd === null) {
      await writeDurable(this.pidFile(unit), 'not-run-locally\n', 0o644);
      return;
    }
    await prepareConfig(unit as 'consul' | 'nomad' | 'vault', this.opts.paths);
    const log = this.logFile(unit);
    await mkdir(path.dirname(log), { recursive: true });
    const fh = await open(log, 'a');
    let exited: { code: number | null; signal: string | null } | null = null;
    let spawnError: Error | null = null;
    try {
      const child = spawn(cmd.file, cmd.args, {
        detached: true,
        stdio: ['ignore', fh.fd, fh.fd],
        env: { ...process.env, HASHINODE_ROOT: this.opts.paths.root, ...this.opts.env },
      });
      child.on('error', (err) => {
        spawnError = err;
      });
      child.on('exit', (code, signal) => {
        exited = { code, signal };
      });
      child.unref();
      await this.opts.clock.sleep(this.opts.startGraceMs ?? 300);
      if (spawnError || exited || child.pid === undefined) {
        const tail = (await readOptional(log))?.split('\n').slice(-6).join('\n').trim() ?? '';
        const why = spawnError
          ? (spawnError as Error).message
          : `exited ${(exited as { code: number | null } | null)?.code ?? 'on a signal'}`;
        throw new HashinodeError('HN_E_SERVICE', `${unit}: ${cmd.file} ${cmd.args.join(' ')} ${why}; log ${log}:\n${tail}`, {
          details: { unit, log },
        });
      }
      await writeDurable(this.pidFile(unit), `${child.pid}\n`, 0o644);
    } finally {
      await fh.close();
    }
  }

  async stop(unit: Unit): Promise<void> {
    const pid = await this.pid(unit);
    if (pid !== null) {
      process.kill(pid, 'SIGTERM');
      const deadline = this.opts.clock.monotonic() + (this.opts.stopTimeoutMs ?? 10_000);
      while (alive(pid) && !(await this.isZombie(pid)) && this.opts.clock.monotonic() < deadline) await this.opts.clock.sleep(50);
      if (alive(pid) && !(await this.isZombie(pid))) process.kill(pid, 'SIGKILL');
      // A service started by an earlier (killed) agent is no child of ours: its exit is reaped by
      // init, a moment later. Like systemd, report "stopped" only once the pid is really gone, so
      // a restart never meets its predecessor still registered.
      const reaped = this.opts.clock.monotonic() + 5_000;
      while (alive(pid) && this.opts.clock.monotonic() < reaped) await this.opts.clock.sleep(20);
    }
    await removeIfPresent(this.pidFile(unit));
  }

  async restart(unit: Unit): Promise<void> {
    await this.stop(unit);
    await this.start(unit);
  }

  private async isZombie(pid: number): Promise<boolean> {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
    return stat === null || /\) Z /.test(stat);
  }
}
