import { HashinodeError } from '../core/errors.ts';
import { tlsPaths } from '../node/materials.ts';
import { NomadApi } from '../services/nomad.ts';
import { VaultApi } from '../services/vault.ts';
import { aclResetProcedure } from './consul-dance.ts';
import { readClusterReady } from './cluster-ready.ts';
import { hostPort, type WorkflowContext } from './context.ts';
import { readOptional } from './durable.ts';
import type { PhaseDef } from './runner.ts';
import { chooseSecret } from './secrets.ts';
import { waitFor } from './wait.ts';

async function tlsFor(ctx: WorkflowContext, service: 'nomad' | 'vault') {
  const ca = await readOptional(ctx.deps.paths.host(tlsPaths(service).caFile));
  return ca ? { ca } : undefined;
}

async function nomadApi(ctx: WorkflowContext): Promise<NomadApi> {
  const tls = await tlsFor(ctx, 'nomad');
  const scheme = tls ? 'https' : 'http';
  return new NomadApi({ address: `${scheme}://${hostPort(ctx.facts.instance.privateIp, 4646)}`, http: ctx.deps.http, timeoutMs: 5000, ...(tls ? { tls } : {}) });
}

export const nomadPhase: PhaseDef<WorkflowContext> = {
  name: 'nomad',
  roles: ['nomad-server', 'nomad-client'],
  frequency: 'per-boot',
  describe: () => 'start Nomad; servers wait for a leader; the first server bootstraps Nomad ACLs with a stored secret',
  async run(ctx) {
    const { ensureUnit, renderAndApply } = await import('./render-step.ts');
    // The Consul token in nomad.env exists only once the ACL dance made it (on the first server,
    // after the render phase): render Nomad's files again, by comparison, before starting it.
    await renderAndApply(ctx, ['nomad']);
    const outcome = await ensureUnit(ctx, 'nomad');
    if (!ctx.has('nomad-server')) return `nomad ${outcome} (client)`;
    const api = await nomadApi(ctx);
    const leader = await waitFor(async () => (await api.leader()) || undefined, {
      clock: ctx.deps.clock,
      timeoutMs: ctx.opts.timeouts.leaderMs,
      pollMs: Math.min(ctx.pollMs, 500),
      what: `a Nomad leader at ${api.ep.address}`,
    });
    // The node that published "cluster ready" bootstraps Nomad's ACLs too: durable, so a resumed
    // run of that node (which now sees the cluster ready) still does it, and nobody else does.
    const ready = await readClusterReady(await ctx.ensureStore());
    if (ready?.by !== ctx.instanceId) return `nomad ${outcome}; leader ${leader}`;
    const { secretKeeper } = await import('./holder.ts');
    const secret = await chooseSecret(await secretKeeper(ctx), 'nomadManagement');
    const result = await api.aclBootstrap(secret);
    if (result.kind === 'already-done' && !(await api.tokenSelf(secret))) {
      throw new HashinodeError('HN_E_ACL_BOOTSTRAP_LOST', aclResetProcedure('nomad'));
    }
    return `nomad ${outcome}; leader ${leader}; ACLs ${result.kind === 'bootstrapped' ? 'bootstrapped' : 'already bootstrapped (stored secret works)'}`;
  },
};

export const vaultPhase: PhaseDef<WorkflowContext> = {
  name: 'vault',
  roles: ['vault-server'],
  frequency: 'per-boot',
  describe: (ctx) =>
    `start Vault and report its seal state (${ctx.identified?.facts.spec.vault.kmsKeyId ? 'awskms auto-unseal' : 'stays sealed for a human to unseal'})`,
  async run(ctx) {
    const { ensureUnit, renderAndApply } = await import('./render-step.ts');
    // As for Nomad: vault.env's storage token may have been made after the render phase.
    await renderAndApply(ctx, ['vault']);
    const outcome = await ensureUnit(ctx, 'vault');
    const tls = await tlsFor(ctx, 'vault');
    const api = new VaultApi({
      address: `${tls ? 'https' : 'http'}://${hostPort(ctx.facts.instance.privateIp, 8200)}`,
      http: ctx.deps.http,
      timeoutMs: 5000,
      ...(tls ? { tls } : {}),
    });
    const health = await waitFor(() => api.health(), {
      clock: ctx.deps.clock,
      timeoutMs: ctx.opts.timeouts.leaderMs,
      pollMs: Math.min(ctx.pollMs, 500),
      what: `Vault at ${api.ep.address} to answer /v1/sys/health`,
    });
    const unseal = ctx.facts.spec.vault.kmsKeyId ? 'awskms auto-unseal' : 'unseal is a human step';
    return `vault ${outcome}; ${health.state}${health.sealed && health.state !== 'sealed' ? ' (sealed)' : ''}; ${unseal}`;
  },
};

export const readyPhase: PhaseDef<WorkflowContext> = {
  name: 'ready',
  roles: 'all',
  frequency: 'always',
  describe: () => 'record this node as ready on the shared disk',
  async run(ctx) {
    const store = await ctx.ensureStore();
    const record = { v: 1, instanceId: ctx.instanceId, ip: ctx.facts.instance.privateIp, roles: ctx.facts.spec.roles, first: ctx.first };
    const rel = `nodes/${ctx.instanceId}.json`;
    const text = `${JSON.stringify(record, null, 2)}\n`;
    // Compared first: a reboot of a finished node changes no file, on the node or the shared disk.
    if ((await store.fetch(rel))?.toString('utf8') !== text) await store.publish(rel, text, { mode: 0o644 });
    return 'ready';
  },
};
