// How the agent starts and stops consul/nomad/vault/dnsmasq. Two implementations behind one seam:
// `systemd` (the installed agent: systemctl and runtime drop-ins) and `local` (spawns the binaries
// itself: the simulated datacenter and non-root tests). Phases only ever talk to this interface.

export type Unit = 'consul' | 'nomad' | 'vault' | 'dnsmasq';

export interface ServiceManager {
  readonly kind: 'systemd' | 'local';
  /**
   * Writes (content) or removes (null) the runtime drop-in `/run/systemd/system/<unit>.service.d/<name>`.
   * Returns whether anything changed; a change is picked up by the next start/restart.
   */
  setDropIn(unit: Unit, name: string, content: string | null): Promise<{ changed: boolean }>;
  enable(unit: Unit): Promise<void>;
  start(unit: Unit): Promise<void>;
  restart(unit: Unit): Promise<void>;
  stop(unit: Unit): Promise<void>;
  isActive(unit: Unit): Promise<boolean>;
}

export function unitName(unit: Unit): string {
  return `${unit}.service`;
}

/** Host path of a runtime drop-in (the same place for both implementations, so tests check one). */
export function dropInPath(unit: Unit, name: string): string {
  return `/run/systemd/system/${unitName(unit)}.d/${name}`;
}

/** The drop-in that lets Consul's single-node bootstrap start: Consul sends READY=1 only after a LAN join. */
export const BOOTSTRAP_DROPIN = { name: '50-hashinode-bootstrap.conf', content: '[Service]\nType=exec\n' } as const;
