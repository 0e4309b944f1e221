import { describe, expect, it } from 'vitest';
import { consulAclPlan, DNS_POLICY, ownAgentTokenPlan } from '../../../agent/phases/acl-plan.ts';
import type { ClusterSpec } from '../../../agent/node/types.ts';

const spec = (vault: Partial<ClusterSpec['vault']> = {}) =>
  ({ datacenter: 'dc7', vault: { enabled: false, storage: 'raft', kmsKeyId: null, ...vault } }) as ClusterSpec;

describe('consul ACL plan', () => {
  it('every token references only planned policies; the agent token is a node identity', () => {
    const plan = consulAclPlan(spec(), 'i-0abc');
    const names = plan.policies.map((p) => p.Name);
    for (const t of plan.tokens) for (const p of t.policies) expect(names).toContain(p);
    expect(plan.tokens.find((t) => t.secret === plan.agentToken)?.nodeIdentity).toEqual({ NodeName: 'i-0abc', Datacenter: 'dc7' });
    expect(plan.tokens.find((t) => t.secret === plan.defaultToken)?.policies).toEqual([DNS_POLICY]);
  });

  it.each([
    [{ enabled: true, storage: 'consul' as const }, true],
    [{ enabled: true, storage: 'raft' as const }, false],
    [{ enabled: false, storage: 'consul' as const }, false],
  ])('vault %o gets a storage token: %s', (vault, has) => {
    expect(consulAclPlan(spec(vault), 'n').tokens.some((t) => t.secret === 'vaultStorage')).toBe(has);
  });

  it('the DNS policy only reads', () => {
    const dns = consulAclPlan(spec(), 'n').policies.find((p) => p.Name === DNS_POLICY)!;
    expect(dns.Rules).not.toContain('write');
  });

  it('a joining server’s own agent token is a node identity of its name', () => {
    expect(ownAgentTokenPlan(spec(), 'i-9').nodeIdentity).toEqual({ NodeName: 'i-9', Datacenter: 'dc7' });
  });
});
