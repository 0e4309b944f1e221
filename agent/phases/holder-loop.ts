import type { WorkflowContext } from './context.ts';
import { holderMaterials, secretKeeper } from './holder.ts';

// The CA holder answers mailbox requests for as long as it runs, reloading its materials each
// round so tokens created later (the ACL bootstrap) reach servers that ask later.

export function startHolderLoop(ctx: WorkflowContext): void {
  const stop = new AbortController();
  let loop: Promise<void> | null = null;
  // One EC2 client for the loop's life: building one means loading the SDK and fetching credentials.
  const directory = ctx.opts.instanceDirectory(ctx.facts);
  // Warm it up now, while the bootstrap runs, instead of when the first request waits on it.
  directory.describe(ctx.instanceId).catch((err: Error) => ctx.deps.log.warn({ err: err.message }, 'EC2 lookup of this instance failed'));
  const round = async () => {
    const store = await ctx.ensureStore();
    const { answerRequests } = await import('../pki/holder.ts');
    const materials = await holderMaterials(ctx, await secretKeeper(ctx), false);
    if (!materials.cas.consul || !materials.gossip.consul) return;
    const reports = await answerRequests({
      store,
      materials,
      directory,
      cluster: ctx.facts.spec.cluster,
      clock: ctx.deps.clock,
      log: ctx.deps.log,
      ...(ctx.opts.identityCerts ? { identityCerts: ctx.opts.identityCerts } : {}),
      ...(ctx.opts.mailboxSettleMs !== undefined ? { settleMs: ctx.opts.mailboxSettleMs } : {}),
    });
    for (const r of reports) if (r.outcome === 'sealed' || r.outcome === 'refused') ctx.deps.log.info({ instanceId: r.instanceId, outcome: r.outcome, reason: r.reason }, 'mailbox request answered');
  };
  loop = (async () => {
    while (!stop.signal.aborted) {
      try {
        await round();
      } catch (err) {
        ctx.deps.log.warn({ err: (err as Error).message }, 'mailbox round failed; retrying');
      }
      try {
        await ctx.deps.clock.sleep(ctx.pollMs, stop.signal);
      } catch {
        return;
      }
    }
  })();
  ctx.holderLoop = () => loop;
  ctx.onStop(async () => {
    stop.abort();
    await loop;
  });
}
