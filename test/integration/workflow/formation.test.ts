import { afterEach, describe, expect, it } from 'vitest';
import { Sim } from '../../sim/cluster.ts';
import { expectConverged, managementTokens } from './helpers.ts';

// Whole nodes: real hashinode processes, the stand-ins, fake IMDS/EC2 and a shared directory.

const sims: Sim[] = [];
afterEach(async () => {
  for (const s of sims.splice(0)) await s.close();
});

describe('cluster formation', () => {
  it('3 servers started in the same instant: exactly one bootstraps, all and 2 workers get ready', { timeout: 180_000 }, async () => {
    const sim = await Sim.create({ servers: 3, workers: 2, subnet: 41 });
    sims.push(sim);
    for (const n of sim.nodes) void sim.start(n);
    await sim.waitReady(150_000);
    const ready = await sim.clusterReady();
    const first = sim.nodes.find((n) => n.instanceId === ready?.by)!;
    expect(first.roles).toContain('consul-server');
    await expectConverged(sim, first);
    const bootstrappers = [];
    for (const n of sim.nodes) {
      const j = await sim.journal(n);
      if (j?.phases['consul-bootstrap']?.summary?.includes('ACLs bootstrapped')) bootstrappers.push(n.name);
    }
    expect(bootstrappers).toEqual([first.name]);
    // Workers end with 0; servers stay up (--serve) as possible CA holders.
    for (const n of sim.nodes) expect(n.exitCode).toBe(n.roles.includes('consul-server') ? null : 0);
  });

  it('5 servers with bootstrap_expect 3 all join one cluster with one ACL bootstrap', { timeout: 180_000 }, async () => {
    const sim = await Sim.create({ servers: 5, workers: 0, consulServers: 3, subnet: 42 });
    sims.push(sim);
    for (const n of sim.nodes) void sim.start(n);
    await sim.waitReady(150_000);
    const by = (await sim.clusterReady())?.by;
    const first = sim.nodes.find((n) => n.instanceId === by)!;
    await expectConverged(sim, first);
    expect(await managementTokens(sim, 'consul')).toHaveLength(1);
    const members = (await (await fetch(`http://${first.ip}:8500/v1/catalog/nodes`, { headers: { 'X-Consul-Token': (await managementTokens(sim, 'consul'))[0]! } })).json()) as unknown[];
    expect(members).toHaveLength(5);
  });

  it('a Vault server starts Vault and reports it sealed: unsealing stays a human step without awskms', { timeout: 120_000 }, async () => {
    const sim = await Sim.create({ servers: 1, workers: 0, consulServers: 1, vault: true, subnet: 44 });
    sims.push(sim);
    void sim.start(sim.nodes[0]!);
    await sim.waitReady(100_000);
    const summary = (await sim.journal(sim.nodes[0]!))?.phases.vault?.summary ?? '';
    expect(summary).toMatch(/sealed/);
    expect(summary).toContain('unseal is a human step');
  });
});
