import type { MemberRecord } from '../state/members.ts';

// The gossip pool as seen from one member: every live member reachable through join edges, where
// an edge only holds between members of the same datacenter sharing the same gossip key (serf
// refuses the rest). Pure: the caller passes only live records.

export function sameGossip(a: MemberRecord, b: MemberRecord): boolean {
  return a.dc === b.dc && (a.rpcOnly || b.rpcOnly || a.keyHash === b.keyHash);
}

export function pool(me: string, live: readonly MemberRecord[]): MemberRecord[] {
  const byName = new Map(live.map((m) => [m.name, m]));
  const start = byName.get(me);
  if (!start) return [];
  const adj = new Map<string, Set<string>>();
  const link = (a: string, b: string) => {
    if (!adj.has(a)) adj.set(a, new Set());
    adj.get(a)!.add(b);
  };
  for (const m of live) {
    for (const other of m.joined) {
      const o = byName.get(other);
      if (!o || o.name === m.name || !sameGossip(m, o)) continue;
      link(m.name, o.name);
      link(o.name, m.name);
    }
  }
  const seen = new Set([me]);
  const queue = [me];
  while (queue.length) {
    const cur = queue.shift()!;
    for (const n of adj.get(cur) ?? []) {
      if (!seen.has(n)) {
        seen.add(n);
        queue.push(n);
      }
    }
  }
  return live.filter((m) => seen.has(m.name));
}

/** Why joining `target` fails, in the words serf/memberlist use, or null when it succeeds. */
export function joinRefusal(me: MemberRecord, target: MemberRecord, product: 'consul' | 'nomad'): string | null {
  if (target.dc !== me.dc) {
    return product === 'consul'
      ? `Member '${target.name}' part of wrong datacenter '${target.dc}'`
      : `Member '${target.name}' part of wrong region '${target.dc}'`;
  }
  if (me.rpcOnly || target.rpcOnly) return null;
  if (me.keyHash && !target.keyHash) return 'Remote state is not encrypted';
  if (!me.keyHash && target.keyHash) return 'Encryption is configured but remote state is not encrypted';
  if (me.keyHash !== target.keyHash) return 'No installed keys could decrypt the message';
  return null;
}
