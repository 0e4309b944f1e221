import type { Deps } from '../core/deps.ts';
import { HashinodeError } from '../core/errors.ts';
import type { IdentityDocument, NodeFacts, Role } from '../node/types.ts';
import type { InstanceDirectory } from '../pki/instances.ts';
import type { IdentityCerts } from '../pki/identity.ts';
import type { Lease } from '../shared/lease.ts';
import type { SharedStore } from '../shared/store.ts';
import { ConsulApi } from '../services/consul.ts';
import type { ServiceManager } from '../supervisor/service-manager.ts';
import type { Journal } from './journal.ts';

// Everything a phase may use, built lazily: `hashinode phase render` needs facts but never the
// lease, `bootstrap --dry-run` needs facts and nothing else. Integrations with other areas come in
// as functions so tests replace them with in-process fakes.

export interface Identified {
  facts: NodeFacts;
  identity: IdentityDocument;
  warnings: string[];
}

export interface WorkflowTimeouts {
  /** Waiting for "cluster ready" on the shared store (joiners). */
  clusterReadyMs: number;
  /** Waiting for a Consul/Nomad leader. */
  leaderMs: number;
  /** Waiting for the CA holder's mailbox reply. */
  mailboxMs: number;
}

export const DEFAULT_TIMEOUTS: WorkflowTimeouts = { clusterReadyMs: 15 * 60_000, leaderMs: 10 * 60_000, mailboxMs: 15 * 60_000 };

export interface WorkflowOptions {
  deps: Deps;
  sm: ServiceManager;
  identify(): Promise<Identified>;
  /** Finds/mounts the shared disk: the shared root (the directory holding `hashinode/`). */
  sharedRoot(facts: NodeFacts): Promise<string>;
  /** applyPhaseEdit from agent/hcl. */
  editConfig(text: string, phase: 'bootstrap' | 'revert', flavor: 'consul' | 'nomad', file: string): string;
  /** EC2's view of a requester, for the CA holder. */
  instanceDirectory(facts: NodeFacts): InstanceDirectory;
  /** Identity-document certificates per region (default AWS's). */
  identityCerts?: IdentityCerts;
  bootId: string;
  timeouts: WorkflowTimeouts;
  /** Poll interval for shared-store and API waits (default 1 s). */
  pollMs?: number;
  leaseMs?: number;
  /** How long the CA holder waits for a competing key before answering a new one (pki default 5 s). */
  mailboxSettleMs?: number;
  builtinTemplatesDir?: string;
  /** Apply file ownership (default: when running as root). */
  applyOwnership?: boolean;
  /** Run service validators on rendered files (default true). */
  validateRendered?: boolean;
  /** Test hook (HASHINODE_CRASH_AT): called at named points; the CLI kills the process there. */
  crashPoint?: (point: string) => void;
  signal?: AbortSignal;
}

export class WorkflowContext {
  readonly opts: WorkflowOptions;
  readonly journal: Journal;
  identified: Identified | null = null;
  store: SharedStore | null = null;
  sharedRoot: string | null = null;
  lease: Lease | null = null;
  /** This node holds the first-server lease and the cluster is not ready yet: it bootstraps. */
  first = false;
  /** The CA holder's mailbox loop, when this node runs it (`bootstrap --serve` waits on it). */
  holderLoop: (() => Promise<void> | null) | null = null;
  /** Background work to stop at the end (the CA holder's mailbox loop). */
  private readonly stoppers: (() => Promise<void>)[] = [];

  constructor(opts: WorkflowOptions, journal: Journal) {
    this.opts = opts;
    this.journal = journal;
  }

  get deps(): Deps {
    return this.opts.deps;
  }

  get facts(): NodeFacts {
    if (!this.identified) throw new HashinodeError('HN_E_INTERNAL', 'facts used before the identify phase');
    return this.identified.facts;
  }

  get roles(): readonly Role[] | null {
    return this.identified?.facts.spec.roles ?? null;
  }

  get instanceId(): string {
    return this.facts.instance.instanceId;
  }

  has(role: Role): boolean {
    return this.facts.spec.roles.includes(role);
  }

  get pollMs(): number {
    return this.opts.pollMs ?? 1000;
  }

  async ensureIdentified(): Promise<Identified> {
    this.identified ??= await this.opts.identify();
    return this.identified;
  }

  async ensureStore(): Promise<SharedStore> {
    if (this.store) return this.store;
    await this.ensureIdentified();
    const { clusterDir } = await import('../shared/shared-dir.ts');
    const { SharedStore } = await import('../shared/store.ts');
    this.sharedRoot ??= await this.opts.sharedRoot(this.facts);
    this.store = new SharedStore(clusterDir(this.sharedRoot, this.facts.spec.cluster), this.deps);
    return this.store;
  }

  /** The local Consul agent's HTTP API. */
  consul(): ConsulApi {
    return new ConsulApi({ address: `http://${hostPort(this.facts.spec.clientAddr, 8500)}`, http: this.deps.http, timeoutMs: 5_000 });
  }

  onStop(stop: () => Promise<void>): void {
    this.stoppers.push(stop);
  }

  /** Stops background work; the lease is released only when asked (a clean end of bootstrap). */
  async close(): Promise<void> {
    for (const stop of this.stoppers.splice(0).reverse()) await stop().catch(() => undefined);
  }
}

export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export const CLUSTER_READY = 'cluster-ready.json';

export interface ClusterReady {
  v: 1;
  by: string;
  term: number;
  at: string;
  datacenter: string;
}
