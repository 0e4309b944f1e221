import { HashinodeError } from '../core/errors.ts';
import { tlsPaths } from '../node/materials.ts';
import { readOptional } from './durable.ts';
import { consulAclPlan, ownAgentTokenPlan } from './acl-plan.ts';
import { readClusterReady } from './cluster-ready.ts';
import { CLUSTER_READY, type ClusterReady, hostPort, type WorkflowContext } from './context.ts';
import { runConsulDance } from './consul-dance.ts';
import { accessorFor, chooseSecret } from './secrets.ts';
import type { PhaseDef } from './runner.ts';
import { waitFor } from './wait.ts';

const CONSUL_HCL = '/etc/consul.d/consul.hcl';

async function renderedConsulHcl(ctx: WorkflowContext): Promise<string> {
  const { renderNodeConfig } = await import('../render/node-config.ts');
  const { loadKnownSecrets } = await import('../render/secrets.ts');
  const files = await renderNodeConfig({
    facts: ctx.facts,
    paths: ctx.deps.paths,
    ...(ctx.store ? { sharedTemplatesDir: ctx.store.resolve('templates') } : {}),
    secrets: await loadKnownSecrets(ctx.deps.paths),
    only: [CONSUL_HCL],
    ...(ctx.opts.builtinTemplatesDir ? { builtinTemplatesDir: ctx.opts.builtinTemplatesDir } : {}),
  });
  const f = files.find((x) => x.path === CONSUL_HCL);
  if (!f) throw new HashinodeError('HN_E_INTERNAL', `render produced no ${CONSUL_HCL}`);
  return f.content;
}

export async function verifyConsulHttps(ctx: WorkflowContext): Promise<void> {
  const p = tlsPaths('consul');
  const ca = await readOptional(ctx.deps.paths.host(p.caFile));
  if (!ca) throw new HashinodeError('HN_E_FILE_READ', `${ctx.deps.paths.host(p.caFile)} is missing: cannot verify Consul's HTTPS`);
  const cert = await readOptional(ctx.deps.paths.host(p.cliCertFile));
  const key = await readOptional(ctx.deps.paths.host(p.cliKeyFile));
  const url = `https://${hostPort(ctx.facts.spec.clientAddr, 8501)}/v1/status/leader`;
  await waitFor(
    async () => {
      const res = await ctx.deps.http.request({ method: 'GET', url, timeoutMs: 5000, tls: { ca, ...(cert && key ? { cert, key } : {}) } });
      return res.status === 200 ? true : undefined;
    },
    { clock: ctx.deps.clock, timeoutMs: ctx.opts.timeouts.leaderMs, pollMs: ctx.pollMs, what: `${url} to answer over TLS with the cluster CA` },
  );
}

export const consulBootstrapPhase: PhaseDef<WorkflowContext> = {
  name: 'consul-bootstrap',
  roles: ['consul-server'],
  frequency: 'per-instance',
  describe: (ctx) =>
    ctx.first
      ? 'first server: bootstrap form, start, ACL bootstrap with a stored secret, policies and tokens, revert, restart, verify, publish cluster ready'
      : 'nothing: another server bootstraps (or the cluster is ready)',
  async run(ctx) {
    if (!ctx.first) return 'not the first server';
    const { secretKeeper } = await import('./holder.ts');
    const store = await ctx.ensureStore();
    const lease = ctx.lease;
    const did = await runConsulDance({
      clock: ctx.deps.clock,
      log: ctx.deps.log.child({ phase: 'consul-bootstrap' }),
      sm: ctx.opts.sm,
      journal: ctx.journal,
      consul: ctx.consul(),
      verifyHttps: () => verifyConsulHttps(ctx),
      fullConfig: () => renderedConsulHcl(ctx),
      editConfig: (text, phase) => ctx.opts.editConfig(text, phase, 'consul', CONSUL_HCL),
      currentConfig: () => readOptional(ctx.deps.paths.host(CONSUL_HCL)),
      writeConfig: async (text) => {
        const { writeFileAtomic } = await import('../render/writer.ts');
        await writeFileAtomic(ctx.deps.paths.host(CONSUL_HCL), text, {
          mode: 0o640,
          owner: 'consul',
          group: 'consul',
          root: ctx.deps.paths.root,
          ...(ctx.opts.applyOwnership !== undefined ? { applyOwnership: ctx.opts.applyOwnership } : {}),
        });
      },
      keeper: await secretKeeper(ctx),
      fence: async () => {
        if (!lease) throw new HashinodeError('HN_E_LEASE_LOST', 'the first-server dance runs only under the lease');
        await lease.assertCurrent();
      },
      acl: consulAclPlan(ctx.facts.spec, ctx.instanceId),
      publishReady: async () => {
        const ready: ClusterReady = {
          v: 1,
          by: ctx.instanceId,
          term: lease?.term ?? 0,
          at: new Date(ctx.deps.clock.now()).toISOString(),
          datacenter: ctx.facts.spec.datacenter,
        };
        await store.publish(CLUSTER_READY, `${JSON.stringify(ready, null, 2)}\n`, { mode: 0o644, exclusive: true });
      },
      ...(ctx.opts.crashPoint ? { crashPoint: ctx.opts.crashPoint } : {}),
      leaderTimeoutMs: ctx.opts.timeouts.leaderMs,
      pollMs: Math.min(ctx.pollMs, 500),
      ...(ctx.opts.signal ? { signal: ctx.opts.signal } : {}),
    });
    return did.join('; ') || 'already bootstrapped';
  },
};

export const consulJoinPhase: PhaseDef<WorkflowContext> = {
  name: 'consul-join',
  roles: 'all',
  frequency: 'per-boot',
  describe: () => 'start Consul (restart when its files changed) and wait until it sees a leader',
  async run(ctx) {
    const { ensureUnit } = await import('./render-step.ts');
    const outcome = await ensureUnit(ctx, 'consul');
    const consul = ctx.consul();
    const leader = await waitFor(async () => (await consul.leader()) || undefined, {
      clock: ctx.deps.clock,
      timeoutMs: ctx.opts.timeouts.leaderMs,
      pollMs: Math.min(ctx.pollMs, 500),
      what: `a Consul leader seen by ${consul.ep.address}`,
    });
    return `consul ${outcome}; leader ${leader}`;
  },
};

export const aclTokensPhase: PhaseDef<WorkflowContext> = {
  name: 'acl-tokens',
  roles: 'all',
  frequency: 'per-instance',
  describe: () => "set this agent's Consul tokens through the agent token API (persisted by Consul)",
  async run(ctx) {
    const store = await ctx.ensureStore();
    const ready = await readClusterReady(store);
    if (ready?.by === ctx.instanceId) return 'set during the bootstrap';
    const { localKeeper } = await import('./keepers.ts');
    const keeper = localKeeper(ctx.deps.paths);
    const consul = ctx.consul();
    const dns = await keeper.load('consulDns');
    if (ctx.has('consul-server')) {
      const management = await keeper.load('consulManagement');
      if (!management) throw new HashinodeError('HN_E_PKI', 'this server received no Consul management token in its bundle');
      const plan = ownAgentTokenPlan(ctx.facts.spec, ctx.instanceId);
      const secret = await chooseSecret(keeper, plan.secret);
      const outcome = await consul.ensureToken(management, {
        AccessorID: accessorFor(secret),
        SecretID: secret,
        Description: plan.description,
        NodeIdentities: [plan.nodeIdentity!],
      });
      await consul.setAgentToken(management, 'agent', secret);
      if (dns) await consul.setAgentToken(management, 'default', dns);
      return `agent token ${outcome} (node identity ${ctx.instanceId})`;
    }
    const agent = await keeper.load('consulClientAgent');
    if (!agent) throw new HashinodeError('HN_E_PKI', 'this node received no Consul client agent token in its bundle');
    await consul.setAgentToken(agent, 'agent', agent);
    if (dns) await consul.setAgentToken(agent, 'default', dns);
    return 'client agent token set';
  },
};
