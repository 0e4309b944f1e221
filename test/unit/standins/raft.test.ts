import { describe, expect, it } from 'vitest';
import { pool } from '../../fakes/standins/cluster/pool.ts';
import { decide, effectiveLeader, emptyRaft, type RaftCore } from '../../fakes/standins/cluster/raft.ts';
import type { MemberRecord } from '../../fakes/standins/state/members.ts';

// The election rules as pure functions: bootstrap only with bootstrap_expect servers in one pool,
// a leader only with a quorum of live voters, the lowest name wins, new servers become voters.

function member(name: string, over: Partial<MemberRecord> = {}): MemberRecord {
  return {
    name,
    ip: `10.0.0.${name.replace(/\D/g, '') || 1}`,
    rpcPort: 8300,
    server: true,
    dc: 'dc1',
    pid: 1,
    startedAt: 0,
    heartbeat: 0,
    keyHash: 'k',
    expect: 3,
    joined: [],
    left: false,
    http: '',
    ...over,
  };
}

const linked = (...ms: MemberRecord[]) => ms.map((m, i) => (i === 0 ? m : { ...m, joined: [ms[0]!.name] }));

describe('pool', () => {
  it('follows join edges in both directions and transitively', () => {
    const [a, b, c, d] = [member('s1'), member('s2', { joined: ['s1'] }), member('s3', { joined: ['s2'] }), member('s4')];
    expect(pool('s1', [a, b, c, d]).map((m) => m.name)).toEqual(['s1', 's2', 's3']);
    expect(pool('s4', [a, b, c, d]).map((m) => m.name)).toEqual(['s4']);
  });

  it.each([
    ['another datacenter', { dc: 'dc2' }],
    ['another gossip key', { keyHash: 'other' }],
    ['no gossip key', { keyHash: null }],
  ])('does not link members with %s', (_what, over) => {
    const ms = [member('s1'), member('s2', { joined: ['s1'], ...over })];
    expect(pool('s1', ms).map((m) => m.name)).toEqual(['s1']);
  });
});

describe('decide', () => {
  it('waits until bootstrap_expect servers share a pool, then bootstraps with the lowest name as leader', () => {
    const two = linked(member('s2'), member('s3'));
    expect(decide(emptyRaft(), two[0]!, two)).toBeNull();
    const three = linked(member('s2'), member('s3'), member('s1'));
    const d = decide(emptyRaft(), three[1]!, three);
    expect(d?.next).toMatchObject({ leader: 's1', peers: ['s1', 's2', 's3'], term: 1 });
  });

  it('never bootstraps with servers expecting a different count', () => {
    const ms = linked(member('s1'), member('s2', { expect: 5 }), member('s3'));
    expect(decide(emptyRaft(), ms[0]!, ms)).toBeNull();
  });

  it('does not bootstrap a server without bootstrap_expect, nor a client', () => {
    const ms = [member('s1', { expect: 0 })];
    expect(decide(emptyRaft(), ms[0]!, ms)).toBeNull();
    const c = [member('c1', { server: false, expect: 0 })];
    expect(decide(emptyRaft(), c[0]!, c)).toBeNull();
  });

  it('a single server with bootstrap_expect = 1 leads alone', () => {
    const ms = [member('s1', { expect: 1 })];
    expect(decide(emptyRaft(), ms[0]!, ms)?.next).toMatchObject({ leader: 's1', peers: ['s1'] });
  });

  const formed: RaftCore = { term: 1, leader: 's1', peers: ['s1', 's2', 's3'], index: 5 };

  it('re-elects the lowest live voter when the leader is gone and a quorum remains', () => {
    const ms = linked(member('s2'), member('s3'));
    expect(effectiveLeader(formed, ms)).toBeNull();
    expect(decide(formed, ms[1]!, ms)?.next).toMatchObject({ leader: 's2', term: 2 });
  });

  it('elects nobody without a quorum', () => {
    const ms = [member('s3')];
    expect(decide(formed, ms[0]!, ms)).toBeNull();
  });

  it('adds a joining server as a voter and drops dead voters when the rest keeps a quorum', () => {
    const ms = linked(member('s1'), member('s2'), member('s3'), member('s4'));
    expect(decide(formed, ms[3]!, ms)?.next.peers).toEqual(['s1', 's2', 's3', 's4']);
    const withDead = linked(member('s2'), member('s3'), member('s4'));
    const raft = { ...formed, leader: 's2' };
    expect(decide(raft, withDead[2]!, withDead)?.next.peers).toEqual(['s2', 's3', 's4']);
  });

  it('with five servers expecting three, bootstraps once and takes the other two in as voters', () => {
    let raft = emptyRaft();
    const all = linked(member('s1'), member('s2'), member('s3'), member('s4'), member('s5'));
    const first = all.slice(0, 3);
    raft = decide(raft, first[0]!, first)!.next;
    expect(raft).toMatchObject({ leader: 's1', peers: ['s1', 's2', 's3'] });
    for (const m of all.slice(3)) raft = decide(raft, m, all)!.next;
    expect(raft.peers).toEqual(['s1', 's2', 's3', 's4', 's5']);
    expect(raft.leader).toBe('s1');
    for (const m of all) expect(decide(raft, m, all)).toBeNull();
  });

  it('leaves a healthy cluster alone', () => {
    const ms = linked(member('s1'), member('s2'), member('s3'));
    for (const m of ms) expect(decide(formed, m, ms)).toBeNull();
  });
});
