import { createHash } from 'node:crypto';
import path from 'node:path';
import type { AgentLog } from '../log.ts';
import { readJson, withLock, writeJsonAtomic } from '../state/files.ts';
import { HEARTBEAT_MS, isAlive, type MemberRecord, readMembers, writeMember } from '../state/members.ts';
import { type AwsEnv, resolveJoinEntry } from './join.ts';
import { pool as poolOf, joinRefusal } from './pool.ts';
import { decide, effectiveLeader, emptyRaft, type RaftCore } from './raft.ts';

// One agent's life in the simulated cluster: heartbeat its member record, retry_join until one
// peer answers, and (servers) apply the raft decision. Product data (ACLs) rides in the same raft
// file, changed only through `update`, so it is replicated to every server by construction.

export type RaftFile<D> = RaftCore & { data: D };

export interface ClusterNodeOptions<D> {
  stateDir: string;
  product: 'consul' | 'nomad';
  self: MemberRecord;
  retryJoin: string[];
  retryIntervalMs: number;
  aws: AwsEnv;
  log: AgentLog;
  initialData: () => D;
  /** Addresses to try when retryJoin is empty (Nomad clients finding servers through Consul). */
  discover?: () => string[];
  /** Called once, after the first successful join (Consul's READY=1 moment). */
  onJoined?: () => void;
}

export function keyHash(key: string | undefined): string | null {
  return key ? createHash('sha256').update(key).digest('hex') : null;
}

export interface ClusterView<D> {
  pool: MemberRecord[];
  raft: RaftFile<D>;
  leader: MemberRecord | null;
}

export class ClusterNode<D> {
  readonly self: MemberRecord;
  private readonly opts: ClusterNodeOptions<D>;
  private timer: NodeJS.Timeout | undefined;
  private nextJoinAt = 0;
  private joining = false;
  private lastLeader: string | null = null;
  private stopped = false;

  constructor(opts: ClusterNodeOptions<D>) {
    this.opts = opts;
    this.self = { ...opts.self };
  }

  get raftFile(): string {
    return path.join(this.opts.stateDir, this.opts.product, `raft-${this.self.dc}.json`);
  }

  readRaft(): RaftFile<D> {
    return readJson<RaftFile<D>>(this.raftFile) ?? { ...emptyRaft(), data: this.opts.initialData() };
  }

  /** Read-modify-write of the replicated state; `fn` returns null to leave it untouched. */
  async update<T>(fn: (raft: RaftFile<D>) => { next: RaftFile<D>; result: T } | { next: null; result: T }): Promise<T> {
    return withLock(this.raftFile, () => {
      const out = fn(this.readRaft());
      if (out.next) writeJsonAtomic(this.raftFile, out.next);
      return out.result;
    });
  }

  view(): ClusterView<D> {
    const live = readMembers(this.opts.stateDir, this.opts.product).filter((m) => m.name === this.self.name || isAlive(m));
    const me = live.find((m) => m.name === this.self.name) ?? this.self;
    const pool = poolOf(me.name, live.some((m) => m.name === me.name) ? live : [...live, me]);
    const raft = this.readRaft();
    return { pool, raft, leader: effectiveLeader(raft, pool) };
  }

  start(): void {
    this.self.heartbeat = Date.now();
    writeMember(this.opts.stateDir, this.opts.product, this.self);
    const loop = () => {
      if (this.stopped) return;
      this.tick()
        .catch((err: unknown) => this.opts.log.line('ERROR', 'agent', `cluster tick failed: ${(err as Error).message}`))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, HEARTBEAT_MS);
        });
    };
    loop();
  }

  /** Stops heartbeating; `leave` marks the record as left (graceful leave), else it just goes stale. */
  stop(leave: boolean): void {
    this.stopped = true;
    clearTimeout(this.timer);
    if (leave) {
      this.self.left = true;
      writeMember(this.opts.stateDir, this.opts.product, this.self);
    }
  }

  private async tick(): Promise<void> {
    this.self.heartbeat = Date.now();
    writeMember(this.opts.stateDir, this.opts.product, this.self);
    if (this.self.joined.length === 0 && (this.opts.retryJoin.length > 0 || this.opts.discover) && Date.now() >= this.nextJoinAt && !this.joining) {
      this.joining = true;
      this.tryJoin().finally(() => {
        this.joining = false;
      });
    }
    const view = this.view();
    // Gossip spreads membership: once in a pool, a member knows (is linked to) every other member,
    // so the pool survives the death of whichever peer it first joined through.
    const others = view.pool.filter((m) => m.name !== this.self.name).map((m) => m.name);
    if (others.length > 0 && others.some((n) => !this.self.joined.includes(n))) {
      this.self.joined = [...new Set([...this.self.joined, ...others])].sort();
      writeMember(this.opts.stateDir, this.opts.product, this.self);
    }
    if (this.self.server) {
      const decision = decide(view.raft, this.self, view.pool);
      if (decision) {
        const event = await this.update((raft) => {
          const again = decide(raft, this.self, this.view().pool);
          return again ? { next: { ...again.next, data: raft.data }, result: again.event } : { next: null, result: null };
        });
        if (event) this.opts.log.line('INFO', this.opts.product === 'consul' ? 'agent.server.raft' : 'nomad.raft', event);
      }
    }
    const leader = this.view().leader?.name ?? null;
    if (leader !== this.lastLeader) {
      if (leader === this.self.name) this.opts.log.line('INFO', this.component(), 'cluster leadership acquired');
      else if (leader) this.opts.log.line('INFO', this.component(), `New leader elected: payload=${leader}`);
      else this.opts.log.line('ERROR', this.component(), 'No cluster leader');
      this.lastLeader = leader;
    }
  }

  private component(): string {
    return this.opts.product === 'consul' ? 'agent.server' : 'nomad';
  }

  private async tryJoin(): Promise<void> {
    this.nextJoinAt = Date.now() + this.opts.retryIntervalMs;
    const label = this.opts.product === 'consul' ? 'agent' : 'agent.joiner';
    if (this.opts.retryJoin.length) this.opts.log.line('INFO', label, `(LAN) joining: lan_addresses=[${this.opts.retryJoin.join(', ')}]`);
    const addrs: string[] = this.opts.retryJoin.length ? [] : (this.opts.discover?.() ?? []);
    const errors: string[] = [];
    for (const entry of this.opts.retryJoin) {
      try {
        addrs.push(...(await resolveJoinEntry(entry, this.opts.aws)));
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
    const live = readMembers(this.opts.stateDir, this.opts.product).filter((m) => m.name !== this.self.name && isAlive(m));
    const joined: string[] = [];
    for (const addr of addrs) {
      const target = live.find((m) => m.ip === addr && (!this.self.rpcOnly || m.server));
      if (!target) {
        if (addr !== this.self.ip) errors.push(`Failed to join ${addr}:${this.opts.product === 'consul' ? 8301 : 4648}: dial tcp ${addr}: connect: connection refused`);
        continue;
      }
      const refusal = joinRefusal(this.self, target, this.opts.product);
      if (refusal) errors.push(`Failed to join ${addr}: ${refusal}`);
      else joined.push(target.name);
    }
    if (joined.length === 0) {
      if (addrs.length === 0 && errors.length === 0) return;
      this.opts.log.line('WARN', label, `(LAN) couldn't join: number_of_nodes=0 error="${errors.length} error(s) occurred: ${errors.join('; ')}"`);
      return;
    }
    this.self.joined = [...new Set(joined)];
    writeMember(this.opts.stateDir, this.opts.product, this.self);
    this.opts.log.line('INFO', label, `(LAN) joined: number_of_nodes=${this.self.joined.length}`);
    this.opts.log.line('INFO', 'agent', `Join cluster completed. Synced with initial agents: cluster=LAN num_agents=${this.self.joined.length}`);
    this.opts.onJoined?.();
  }
}
