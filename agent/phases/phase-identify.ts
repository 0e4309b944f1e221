import type { WorkflowContext } from './context.ts';
import type { PhaseDef } from './runner.ts';

export const identifyPhase: PhaseDef<WorkflowContext> = {
  name: 'identify',
  roles: 'all',
  frequency: 'always',
  readOnly: true,
  describe: () => 'read instance facts (IMDSv2), tags and the env file into the cluster spec',
  async run(ctx) {
    const { facts, warnings } = await ctx.ensureIdentified();
    for (const w of warnings) ctx.deps.log.warn({ phase: 'identify' }, w);
    return `${facts.instance.instanceId} ${facts.instance.privateIp} cluster ${facts.spec.cluster} roles ${facts.spec.roles.join(',')}`;
  },
};

export const sharedDiskPhase: PhaseDef<WorkflowContext> = {
  name: 'shared-disk',
  providesContext: true,
  roles: 'all',
  frequency: 'always',
  describe: (ctx) => `find and mount the cluster's EFS (${ctx.identified?.facts.spec.efs ?? 'from the spec'}) and check it is writable`,
  async run(ctx) {
    const store = await ctx.ensureStore();
    return store.dir;
  },
};

export const dnsPhase: PhaseDef<WorkflowContext> = {
  name: 'dns',
  roles: 'all',
  frequency: 'per-boot',
  describe: () => 'render dnsmasq (Consul DNS forwarding) and /etc/resolv.conf',
  async run(ctx) {
    const { renderAndApply } = await import('./render-step.ts');
    const { changed } = await renderAndApply(ctx, ['dnsmasq', 'system']);
    return changed.length ? `wrote ${changed.join(', ')}` : 'unchanged';
  },
};
