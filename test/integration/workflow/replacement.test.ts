import { expect, it } from 'vitest';
import { Sim, stopServices } from '../../sim/cluster.ts';
import { managementTokens } from './helpers-shared.ts';

// The first server dies after the cluster is ready; a new instance takes its place. It must join
// (cluster ready exists), never bootstrap again.

it('a replacement of a dead first server joins and never re-bootstraps', { timeout: 180_000 }, async () => {
  const sim = await Sim.create({ servers: 4, workers: 0, consulServers: 3, subnet: 45 });
  try {
    const [a, b, c, replacement] = sim.nodes as [typeof sim.nodes[0], typeof sim.nodes[0], typeof sim.nodes[0], typeof sim.nodes[0]];
    for (const n of [a, b, c]) void sim.start(n);
    await sim.waitReady(150_000, [a, b, c]);
    const by = (await sim.clusterReady())?.by;
    const first = sim.nodes.find((n) => n.instanceId === by)!;
    const tokensBefore = await managementTokens(sim, 'consul');
    expect(tokensBefore).toHaveLength(1);
    // The first server's instance dies: agent, services, and EC2 says terminated.
    first.proc?.kill('SIGKILL');
    await first.exited;
    await stopServices(first.root);
    const inst = sim.ec2.instances.find((i) => i.instanceId === first.instanceId)!;
    inst.state = 'terminated';
    void sim.start(replacement);
    await sim.waitReady(150_000, [replacement]);
    const j = await sim.journal(replacement);
    expect(j?.phases.elect?.summary).toBe('cluster already ready: joining');
    expect(j?.phases['consul-bootstrap']?.summary).toBe('not the first server');
    expect((await sim.clusterReady())?.by).toBe(first.instanceId);
    expect(await managementTokens(sim, 'consul')).toEqual(tokensBefore);
  } finally {
    await sim.close();
  }
});
