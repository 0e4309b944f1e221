import { describe, expect, it } from 'vitest';
import { DANCE_STEPS } from '../../../agent/phases/consul-dance.ts';
import { Sim } from '../../sim/cluster.ts';
import { expectConverged } from './helpers.ts';

// The agent SIGKILLed (test hook HASHINODE_CRASH_AT) at every phase boundary and at every step of
// the first-server dance, then started again like systemd would: the cluster converges, ACLs were
// bootstrapped exactly once, the stored management token works, nothing is left in bootstrap form.

const PHASES = ['identify', 'shared-disk', 'dns', 'elect', 'pki', 'render', 'consul-bootstrap', 'consul-join', 'acl-tokens', 'nomad', 'ready'];
const POINTS = [...PHASES.map((p) => `before:${p}`), 'after:ready', ...DANCE_STEPS.map((s) => `consul-bootstrap:${s}`)];

describe.concurrent('crash matrix (one server, bootstrap_expect 1)', () => {
  it.each(POINTS.map((p, i) => [p, i]))('killed at %s, restarted: converges', { timeout: 240_000 }, async (point, i) => {
    const sim = await Sim.create({ servers: 1, workers: 0, consulServers: 1, subnet: 60 + (i as number), timeout: '150s', lease: '1s', pollInterval: '100ms' });
    try {
      const node = sim.nodes[0]!;
      const code = await sim.start(node, { HASHINODE_CRASH_AT: point as string });
      expect(code, `${node.errors}`).toBe(137);
      expect(node.errors).toContain(`HASHINODE_CRASH_AT=${point}`);
      void sim.start(node);
      await sim.waitReady(180_000);
      await expectConverged(sim, node);
    } finally {
      await sim.close();
    }
  });
});
