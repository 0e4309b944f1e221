import { readClusterReady } from './cluster-ready.ts';
import type { WorkflowContext } from './context.ts';
import type { PhaseDef } from './runner.ts';

// Only needed while the cluster has never been ready: once "cluster ready" exists every node,
// including a replacement of a dead first server, joins and never bootstraps again.

export const electPhase: PhaseDef<WorkflowContext> = {
  name: 'elect',
  providesContext: true,
  roles: ['consul-server'],
  frequency: 'always',
  describe: () => 'contend for the first-server lease on the shared disk, unless the cluster is already ready',
  async run(ctx) {
    const store = await ctx.ensureStore();
    if (await readClusterReady(store)) {
      ctx.first = false;
      return 'cluster already ready: joining';
    }
    const { acquireLease } = await import('../shared/lease.ts');
    const lease = await acquireLease(
      {
        clusterDir: store.dir,
        holder: ctx.instanceId,
        ip: ctx.facts.instance.privateIp,
        ...(ctx.opts.leaseMs ? { leaseMs: ctx.opts.leaseMs } : {}),
        contend: false,
      },
      { clock: ctx.deps.clock, log: ctx.deps.log },
    );
    ctx.lease = lease;
    ctx.onStop(() => lease.detach());
    const status = await lease.settled();
    ctx.first = status.leader;
    if (ctx.first) {
      const { startHolderLoop } = await import('./holder-loop.ts');
      startHolderLoop(ctx);
    }
    return status.leader ? `first server (term ${status.term})` : `follower of ${status.holder ?? 'unknown'} (term ${status.term})`;
  },
};
