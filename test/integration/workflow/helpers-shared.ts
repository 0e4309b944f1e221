import type { Sim } from '../../sim/cluster.ts';

/** Management tokens in the stand-ins' state: the ACL bootstrap creates exactly one. */
export async function managementTokens(sim: Sim, service: 'consul' | 'nomad'): Promise<string[]> {
  const raft = await sim.raft(service);
  return Object.values(raft?.data.tokens ?? {})
    .filter(
      (t) =>
        t.Policies?.some((p) => p.Name === 'global-management' || p.ID === '00000000-0000-0000-0000-000000000001') ||
        (t as { Type?: string }).Type === 'management',
    )
    .map((t) => t.SecretID);
}
