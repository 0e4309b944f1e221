import { HashinodeError } from '../core/errors.ts';
import type { Clock } from '../core/clock.ts';
import type { Log } from '../core/log.ts';
import type { ConsulApi } from '../services/consul.ts';
import { BOOTSTRAP_DROPIN, type ServiceManager } from '../supervisor/service-manager.ts';
import type { AclPlan } from './acl-plan.ts';
import type { Journal } from './journal.ts';
import { accessorFor, chooseSecret, type SecretKeeper } from './secrets.ts';
import { waitFor } from './wait.ts';

// The first Consul server's chicken-and-egg, as the hand-run procedure does it: start alone in
// bootstrap form, bootstrap ACLs with a secret stored before the call, create policies and tokens,
// revert the config, restart, verify, and only then tell the others the cluster is ready.
// Every step compares before acting, so a run killed at any instant converges when run again; the
// journal's checkpoint only spares a resumed run the detour through bootstrap form.

export interface ConsulDancePorts {
  clock: Clock;
  log: Log;
  sm: ServiceManager;
  journal: Journal;
  /** HTTP API on the node's client address. */
  consul: ConsulApi;
  /** Throws unless HTTPS answers with our CA (and our CLI certificate when verify_incoming). */
  verifyHttps(): Promise<void>;
  /** The full (final) consul.hcl as render makes it. */
  fullConfig(): Promise<string>;
  /** The bootstrap edit of consul.hcl (agent/hcl applyPhaseEdit). */
  editConfig(text: string, phase: 'bootstrap'): string;
  /** The consul.hcl on disk now (null when absent). */
  currentConfig(): Promise<string | null>;
  /** Writes consul.hcl (atomic, owner/mode as render says). */
  writeConfig(text: string): Promise<void>;
  keeper: SecretKeeper;
  /** lease.assertCurrent(): called right before every action that commits cluster state. */
  fence(): Promise<void>;
  acl: AclPlan;
  publishReady(): Promise<void>;
  crashPoint?: (point: string) => void;
  leaderTimeoutMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
}

export const DANCE_STEPS = [
  'edit-bootstrap',
  'dropin',
  'start',
  'leader',
  'secret-stored',
  'acl-bootstrap-called',
  'acl-verified',
  'policies',
  'agent-tokens',
  'revert',
  'remove-dropin',
  'restart',
  'verify',
  'publish-ready',
] as const;

const ACL_DONE = 'consul-bootstrap:acl-done';

export function aclResetProcedure(service: 'consul' | 'nomad'): string {
  return service === 'consul'
    ? 'Consul ACLs were bootstrapped before and the stored management secret does not work. Reset: on the leader, read the reset index from the error, write it to <data_dir>/acl-bootstrap-reset, then remove the stored secret (/var/lib/hashinode/secrets/consul-management.token and <shared>/hashinode/<cluster>/secrets/consulManagement) and run `hashinode phase consul-bootstrap` again.'
    : 'Nomad ACLs were bootstrapped before and the stored management secret does not work. Reset: `nomad acl bootstrap` reset procedure (write the reset index to <data_dir>/server/acl-bootstrap-reset on the leader), remove /var/lib/hashinode/secrets/nomad-management.token and <shared>/hashinode/<cluster>/secrets/nomadManagement, then run `hashinode phase nomad` again.';
}

async function ensureConfig(p: ConsulDancePorts, text: string): Promise<boolean> {
  if ((await p.currentConfig()) === text) return false;
  // Marked before the write: a crash right after it must still restart the running agent.
  await p.journal.markRestart('consul');
  await p.writeConfig(text);
  return true;
}

async function ensureRunning(p: ConsulDancePorts): Promise<void> {
  if (p.journal.restartPending('consul') && (await p.sm.isActive('consul'))) await p.sm.restart('consul');
  else await p.sm.start('consul');
  await p.journal.clearRestart('consul');
}

async function waitLeader(p: ConsulDancePorts, token?: string): Promise<string> {
  return waitFor(async () => (await p.consul.leader(token)) || undefined, {
    clock: p.clock,
    timeoutMs: p.leaderTimeoutMs ?? 120_000,
    pollMs: p.pollMs ?? 500,
    what: `a Consul leader at ${p.consul.ep.address}`,
    ...(p.signal ? { signal: p.signal } : {}),
  });
}

/** The management secret works against the running cluster, or HN_E_ACL_BOOTSTRAP_LOST. */
async function verifyManagement(p: ConsulDancePorts, secret: string, resetIndex: number | null): Promise<void> {
  if (await p.consul.tokenSelf(secret)) return;
  throw new HashinodeError('HN_E_ACL_BOOTSTRAP_LOST', `${aclResetProcedure('consul')} (reset index: ${resetIndex ?? 'unknown'})`, {
    details: { resetIndex },
  });
}

export async function runConsulDance(p: ConsulDancePorts): Promise<string[]> {
  const did: string[] = [];
  const step = (name: (typeof DANCE_STEPS)[number], what?: string) => {
    if (what) did.push(what);
    p.crashPoint?.(`consul-bootstrap:${name}`);
  };
  const full = await p.fullConfig();
  // The revert writes the rendered config itself: byte-identical to reverting the edit, and right
  // even when the file on disk was left in some other state by a killed run.
  const bootstrapForm = p.editConfig(full, 'bootstrap');

  if (!p.journal.hasCheckpoint(ACL_DONE)) {
    step('edit-bootstrap', (await ensureConfig(p, bootstrapForm)) ? 'consul.hcl in bootstrap form' : undefined);
    const { changed } = await p.sm.setDropIn('consul', BOOTSTRAP_DROPIN.name, BOOTSTRAP_DROPIN.content);
    if (changed) await p.journal.markRestart('consul');
    step('dropin', changed ? 'bootstrap drop-in' : undefined);
    await ensureRunning(p);
    step('start');
    await waitLeader(p);
    step('leader');

    await p.fence();
    const secret = await chooseSecret(p.keeper, 'consulManagement');
    step('secret-stored');
    await p.fence();
    const result = await p.consul.aclBootstrap(secret);
    step('acl-bootstrap-called', result.kind === 'bootstrapped' ? 'ACLs bootstrapped' : undefined);
    if (result.kind === 'already-done') await verifyManagement(p, secret, result.resetIndex);
    step('acl-verified');

    let created = 0;
    await p.fence();
    for (const policy of p.acl.policies) if ((await p.consul.ensurePolicy(secret, policy)) === 'created') created++;
    for (const t of p.acl.tokens) {
      const secretId = await chooseSecret(p.keeper, t.secret);
      const outcome = await p.consul.ensureToken(secret, {
        AccessorID: accessorFor(secretId),
        SecretID: secretId,
        Description: t.description,
        ...(t.policies.length ? { Policies: t.policies.map((Name) => ({ Name })) } : {}),
        ...(t.nodeIdentity ? { NodeIdentities: [t.nodeIdentity] } : {}),
      });
      if (outcome === 'created') created++;
      else if (!(await p.consul.tokenSelf(secretId))) {
        throw new HashinodeError('HN_E_SERVICE_API', `Consul token ${accessorFor(secretId)} (${t.description}) exists but its stored secret does not work`);
      }
    }
    step('policies', created ? `${created} ACL policies/tokens created` : undefined);
    await p.fence();
    await p.consul.setAgentToken(secret, 'agent', await chooseSecret(p.keeper, p.acl.agentToken));
    await p.consul.setAgentToken(secret, 'default', await chooseSecret(p.keeper, p.acl.defaultToken));
    await p.journal.checkpoint(ACL_DONE, new Date(p.clock.now()).toISOString());
    step('agent-tokens');
  }

  step('revert', (await ensureConfig(p, full)) ? 'consul.hcl reverted' : undefined);
  const removed = await p.sm.setDropIn('consul', BOOTSTRAP_DROPIN.name, null);
  if (removed.changed) await p.journal.markRestart('consul');
  step('remove-dropin');
  await ensureRunning(p);
  step('restart');

  const secret = await p.keeper.load('consulManagement');
  if (!secret) throw new HashinodeError('HN_E_ACL_BOOTSTRAP_LOST', `the Consul management secret is gone from every store. ${aclResetProcedure('consul')}`);
  await waitLeader(p, secret);
  await waitFor(async () => ((await p.consul.tokenSelf(secret)) ? true : undefined), {
    clock: p.clock,
    timeoutMs: p.leaderTimeoutMs ?? 120_000,
    pollMs: p.pollMs ?? 500,
    what: 'the Consul management token to work after the restart',
  });
  const anonymous = await p.consul.status('GET', '/v1/agent/self');
  if (anonymous !== 401 && anonymous !== 403) {
    throw new HashinodeError('HN_E_SERVICE', `Consul answered ${anonymous} to an anonymous GET /v1/agent/self: ACLs are not enforced (default_policy must be deny)`);
  }
  await p.verifyHttps();
  step('verify');
  await p.fence();
  await p.publishReady();
  step('publish-ready', 'cluster ready published');
  return did;
}
