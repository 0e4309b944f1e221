import type { WorkflowContext } from './context.ts';
import type { PhaseDef } from './runner.ts';

// The first server creates the cluster's CAs and gossip keys and issues its own certificates;
// every other node waits for "cluster ready" and asks the CA holder through the sealed mailbox
// (after cluster ready, so servers receive the management tokens in their bundle).

export const pkiPhase: PhaseDef<WorkflowContext> = {
  name: 'pki',
  roles: 'all',
  // Always, but idempotent: a holder that lost its lease before the cluster was ready must drop its
  // own CA and take the new holder's materials, which a per-instance phase would never notice.
  frequency: 'always',
  describe: (ctx) => (ctx.first ? 'create the CAs and gossip keys and issue this server its certificates' : 'wait for cluster ready, then request certificates and keys through the mailbox'),
  async run(ctx) {
    const { installMaterials } = await import('../pki/bundle.ts');
    if (ctx.first) {
      // Certificates are issued once: re-issuing on every run would change files (and restart
      // services) on every boot.
      if (ctx.journal.hasCheckpoint('pki:holder')) return 'CA holder: materials in place';
      const { holderMaterials, ownBundle, secretKeeper } = await import('./holder.ts');
      await ctx.lease?.assertCurrent();
      const materials = await holderMaterials(ctx, await secretKeeper(ctx), true);
      const { files } = await installMaterials(await ownBundle(ctx, materials), ctx.deps.paths);
      await ctx.journal.checkpoint('pki:holder', new Date(ctx.deps.clock.now()).toISOString());
      return `CA holder: ${Object.keys(materials.cas).join(', ')} CAs; ${files.filter((f) => f.changed).length} files written`;
    }
    const { waitClusterReady } = await import('./cluster-ready.ts');
    const ready = await waitClusterReady(ctx);
    if (ready.by === ctx.instanceId) return 'CA holder (cluster ready)';
    if (ctx.journal.hasCheckpoint(`pki:mailbox:${ready.by}:${ready.term}`)) return 'materials already received';
    const { requestMaterials } = await import('../pki/mailbox.ts');
    const { mailboxKey } = await import('./holder.ts');
    const store = await ctx.ensureStore();
    const bundle = await requestMaterials({
      store,
      instanceId: ctx.instanceId,
      roles: [...ctx.facts.spec.roles],
      identity: ctx.identified!.identity,
      keyPair: await mailboxKey(ctx),
      clock: ctx.deps.clock,
      timeoutMs: ctx.opts.timeouts.mailboxMs,
      pollMs: ctx.pollMs,
      ...(ctx.opts.signal ? { signal: ctx.opts.signal } : {}),
    });
    const { files } = await installMaterials(bundle, ctx.deps.paths);
    await ctx.journal.checkpoint(`pki:mailbox:${ready.by}:${ready.term}`, new Date(ctx.deps.clock.now()).toISOString());
    return `${bundle.kind} bundle from the mailbox; ${files.filter((f) => f.changed).length} files written`;
  },
};

export const renderPhase: PhaseDef<WorkflowContext> = {
  name: 'render',
  roles: 'all',
  // Idempotent by comparison, and its inputs (materials) can change within a boot.
  frequency: 'always',
  describe: () => 'render consul/nomad/vault configs for this node and write the ones that changed',
  async run(ctx) {
    const { renderAndApply } = await import('./render-step.ts');
    // Until the cluster is ready, consul.hcl on the first server belongs to the bootstrap dance:
    // rewriting it here would bounce a Consul that runs in bootstrap form.
    const { readClusterReady } = await import('./cluster-ready.ts');
    const dancing = ctx.first && !(await readClusterReady(await ctx.ensureStore()));
    const { changed, pending } = await renderAndApply(ctx, ['consul', 'nomad', 'vault'], dancing ? ['/etc/consul.d/consul.hcl'] : []);
    const parts = [changed.length ? `wrote ${changed.length} files` : 'unchanged'];
    if (pending.length) parts.push(`pending: ${pending.join(', ')}`);
    return parts.join('; ');
  },
};
