import path from 'node:path';

// Every file the agent touches is named here, relative to one root (`--root`, default `/`), so tests
// and the simulated datacenter run whole nodes inside temp directories without touching the host.

export class Paths {
  readonly root: string;

  constructor(root = '/') {
    this.root = path.resolve(root);
  }

  /** Maps an absolute host path (as the services see it) to where it lives under the root. */
  host(absolute: string): string {
    if (!absolute.startsWith('/')) throw new Error(`Paths.host needs an absolute path, got ${absolute}`);
    return path.join(this.root, absolute);
  }

  get envFile(): string {
    return this.host('/etc/hashinode/hashinode.env');
  }
  get templatesDir(): string {
    return this.host('/etc/hashinode/templates');
  }
  get stateDir(): string {
    return this.host('/var/lib/hashinode');
  }
  get runDir(): string {
    return this.host('/run/hashinode');
  }
  get statusSocket(): string {
    return this.host('/run/hashinode/status.sock');
  }
  get consulConfigDir(): string {
    return this.host('/etc/consul.d');
  }
  get nomadConfigDir(): string {
    return this.host('/etc/nomad.d');
  }
  get vaultConfigDir(): string {
    return this.host('/etc/vault.d');
  }
  get dnsmasqDir(): string {
    return this.host('/etc/dnsmasq.d');
  }
  get resolvConf(): string {
    return this.host('/etc/resolv.conf');
  }
  get systemdRuntimeDir(): string {
    return this.host('/run/systemd/system');
  }
  get systemdUnitDir(): string {
    return this.host('/etc/systemd/system');
  }
  /** Where the shared disk is mounted when hashinode mounts it itself. */
  get sharedMount(): string {
    return this.host('/mnt/hashinode-shared');
  }
}
