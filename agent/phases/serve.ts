import type { WorkflowContext } from './context.ts';
import { startHolderLoop } from './holder-loop.ts';

// `bootstrap --serve` on a Consul server: stay up as a possible CA holder. Every server received
// the CA keys in its bundle, so when the holder dies (even long after the cluster is ready) the
// server that takes over its lease answers the mailbox, and a replacement instance can join.

export async function serveMailbox(ctx: WorkflowContext, signal: AbortSignal): Promise<void> {
  if (!ctx.holderLoop) {
    if (ctx.lease && !ctx.lease.isLeader) await ctx.lease.detach();
    const store = await ctx.ensureStore();
    const { acquireLease } = await import('../shared/lease.ts');
    let started = false;
    const start = () => {
      if (started) return;
      started = true;
      ctx.deps.log.info('holding the first-server lease: answering mailbox requests');
      startHolderLoop(ctx);
    };
    const lease = await acquireLease(
      {
        clusterDir: store.dir,
        holder: ctx.instanceId,
        ip: ctx.facts.instance.privateIp,
        ...(ctx.opts.leaseMs ? { leaseMs: ctx.opts.leaseMs } : {}),
        contend: true,
        onChange: (s) => {
          if (s.leader) start();
        },
      },
      { clock: ctx.deps.clock, log: ctx.deps.log },
    );
    ctx.onStop(() => lease.release());
    if (lease.isLeader) start();
  }
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
