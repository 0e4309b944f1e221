import type { MemberRecord } from '../state/members.ts';

// Raft as the stand-ins model it: one state file per datacenter holding the voter set, the leader
// and a monotonically increasing index. No log replication; what matters to a client of the HTTP
// API is modelled: no leader before `bootstrap_expect` servers have met, exactly one leader after,
// a new one when the leader dies and a quorum of voters is still alive, none without a quorum.

export interface RaftCore {
  /** Election term; bumped on every leader change. */
  term: number;
  leader: string | null;
  /** The voters (server names). Empty until the cluster has bootstrapped. */
  peers: string[];
  /** Raft index: bumped on every write (ACL bootstrap's reset index comes from it). */
  index: number;
}

export function emptyRaft(): RaftCore {
  return { term: 0, leader: null, peers: [], index: 1 };
}

export function quorum(voters: number): number {
  return Math.floor(voters / 2) + 1;
}

/** The leader as `me` sees it: alive, in my pool, and with a quorum of live voters in its pool. */
export function effectiveLeader(raft: RaftCore, myPool: readonly MemberRecord[]): MemberRecord | null {
  if (!raft.leader) return null;
  const leader = myPool.find((m) => m.name === raft.leader && m.server);
  if (!leader) return null;
  const liveVoters = myPool.filter((m) => m.server && raft.peers.includes(m.name)).length;
  return liveVoters >= quorum(raft.peers.length) ? leader : null;
}

export interface Decision {
  next: RaftCore;
  /** A human line for the agent log, as the real agent would log the transition. */
  event: string;
}

/**
 * What server `me` does with the shared raft state given its current pool; null when nothing
 * changes. Pure, so every server computes the same answer and a write under the lock is idempotent.
 */
export function decide(raft: RaftCore, me: MemberRecord, myPool: readonly MemberRecord[]): Decision | null {
  if (!me.server) return null;
  const servers = myPool.filter((m) => m.server).sort((a, b) => a.name.localeCompare(b.name));
  if (raft.peers.length === 0) {
    if (me.expect <= 0) return null;
    const expecting = servers.filter((s) => s.expect > 0);
    if (expecting.some((s) => s.expect !== me.expect)) return null;
    if (servers.length < me.expect) return null;
    const peers = servers.map((s) => s.name);
    return {
      next: { term: raft.term + 1, leader: peers[0]!, peers, index: raft.index + 1 },
      event: `Found expected number of peers, attempting bootstrap: peers=${servers.map((s) => `${s.ip}:${s.rpcPort}`).join(',')}`,
    };
  }
  const leader = effectiveLeader(raft, myPool);
  if (leader && !raft.peers.includes(me.name)) {
    // Autopilot: a new server is added as a voter; dead voters go if the rest keeps a quorum.
    const live = new Set(servers.map((s) => s.name));
    const grown = [...raft.peers, me.name];
    const alive = grown.filter((p) => live.has(p));
    const peers = alive.length >= quorum(grown.length) ? alive : grown;
    return {
      next: { ...raft, peers: peers.sort(), index: raft.index + 1 },
      event: `Added server as voter: server=${me.name}`,
    };
  }
  if (!leader && raft.peers.includes(me.name)) {
    const liveVoters = servers.filter((s) => raft.peers.includes(s.name));
    if (liveVoters.length < quorum(raft.peers.length)) return null;
    const winner = liveVoters[0]!.name;
    return {
      next: { ...raft, term: raft.term + 1, leader: winner, index: raft.index + 1 },
      event: `New leader elected: payload=${winner}`,
    };
  }
  return null;
}
