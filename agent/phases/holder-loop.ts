import type { WorkflowContext } from './context.ts';
import { holderMaterials, secretKeeper } from './holder.ts';

// The CA holder answers mailbox requests for as long as it runs, reloading its materials each
// round so tokens created later (the ACL bootstrap) reach servers that ask later.

export function startHolderLoop(ctx: WorkflowContext): void {
  const stop = new AbortController();
  let loop: Promise<void> | null = null;
  const round = async () => {
    const store = await ctx.ensureStore();
    const { answerRequests } = await import('../pki/holder.ts');
    const materials = await holderMaterials(ctx, await secretKeeper(ctx));
    if (!materials.cas.consul) return;
    const reports = await answerRequests({
      store,
      materials,
      directory: ctx.opts.instanceDirectory(ctx.facts),
      cluster: ctx.facts.spec.cluster,
      clock: ctx.deps.clock,
      log: ctx.deps.log,
      ...(ctx.opts.identityCerts ? { identityCerts: ctx.opts.identityCerts } : {}),
    });
    for (const r of reports) if (r.outcome !== 'skipped') ctx.deps.log.info({ instanceId: r.instanceId, outcome: r.outcome, reason: r.reason }, 'mailbox request answered');
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
