import { HashinodeError } from '../core/errors.ts';
import type { Exec } from '../core/exec.ts';
import type { Paths } from '../core/paths.ts';
import { syncDropIn } from './dropins.ts';
import { type ServiceManager, type Unit, unitName } from './service-manager.ts';

// systemctl through the Exec seam. daemon-reload costs a full unit re-read and briefly blocks
// systemd, so it runs only when a unit or drop-in changed: one we wrote in this run, or one systemd
// itself reports (NeedDaemonReload) because an earlier run was killed between writing and reloading.

export class SystemdServiceManager implements ServiceManager {
  readonly kind = 'systemd' as const;
  private readonly exec: Exec;
  private readonly paths: Paths;
  private readonly systemctl: string;
  private reloadNeeded = false;

  constructor(opts: { exec: Exec; paths: Paths; systemctl?: string }) {
    this.exec = opts.exec;
    this.paths = opts.paths;
    this.systemctl = opts.systemctl ?? 'systemctl';
  }

  /** Callers that install unit files themselves say so, so the next start reloads first. */
  unitFilesChanged(): void {
    this.reloadNeeded = true;
  }

  async setDropIn(unit: Unit, name: string, content: string | null): Promise<{ changed: boolean }> {
    const changed = await syncDropIn(this.paths, unit, name, content);
    if (changed) this.reloadNeeded = true;
    return { changed };
  }

  async enable(unit: Unit): Promise<void> {
    await this.reloadIfNeeded(unit);
    await this.ctl(['enable', unitName(unit)]);
  }

  async start(unit: Unit): Promise<void> {
    await this.reloadIfNeeded(unit);
    await this.ctl(['start', unitName(unit)]);
  }

  async restart(unit: Unit): Promise<void> {
    await this.reloadIfNeeded(unit);
    await this.ctl(['restart', unitName(unit)]);
  }

  async stop(unit: Unit): Promise<void> {
    await this.ctl(['stop', unitName(unit)]);
  }

  async isActive(unit: Unit): Promise<boolean> {
    const r = await this.exec.run(this.systemctl, ['is-active', '--quiet', unitName(unit)], { timeoutMs: 30_000 });
    return r.code === 0;
  }

  private async reloadIfNeeded(unit?: Unit): Promise<void> {
    // A drop-in written by a run that was killed before reloading is caught by systemd's own flag.
    if (!this.reloadNeeded && unit !== undefined) {
      const r = await this.exec.run(this.systemctl, ['show', '--property=NeedDaemonReload', '--value', unitName(unit)], { timeoutMs: 30_000 });
      this.reloadNeeded = r.code === 0 && r.stdout.trim() === 'yes';
    }
    if (!this.reloadNeeded) return;
    await this.ctl(['daemon-reload']);
    this.reloadNeeded = false;
  }

  private async ctl(args: string[]): Promise<void> {
    const r = await this.exec.run(this.systemctl, args, { timeoutMs: 120_000 });
    if (r.code !== 0) {
      throw new HashinodeError('HN_E_SERVICE', `${this.systemctl} ${args.join(' ')} exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`, {
        details: { args, code: r.code },
      });
    }
  }
}
