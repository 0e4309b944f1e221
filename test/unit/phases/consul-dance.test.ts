import { access } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { isHashinodeError } from '../../../agent/core/errors.ts';
import { DANCE_STEPS, runConsulDance } from '../../../agent/phases/consul-dance.ts';
import { accessorFor } from '../../../agent/phases/secrets.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { CrashAt, danceWorld, FULL } from './dance-harness.ts';

const worlds: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const w of worlds.splice(0)) await w.close();
});

async function world() {
  const w = await danceWorld(await tempDir());
  worlds.push(w);
  return w;
}

const exists = (f: string) => access(f).then(() => true, () => false);

async function expectConverged(w: Awaited<ReturnType<typeof world>>) {
  expect(w.model.management).not.toBeNull();
  expect(await w.keeper.load('consulManagement')).toBe(w.model.management);
  expect(w.store.get('consulManagement')).toBe(w.model.management);
  expect(await w.readConfig()).toBe(FULL);
  expect(await exists(w.dropIn)).toBe(false);
  expect(w.model.defaultPolicy).toBe('deny');
  expect(w.published()).toBeGreaterThanOrEqual(1);
  const agentSecret = await w.keeper.load('consulAgent');
  expect(w.model.agentTokens.agent).toBe(agentSecret);
  expect(w.model.tokens.get(agentSecret!)?.accessor).toBe(accessorFor(agentSecret!));
  expect(w.model.tokens.get(agentSecret!)?.nodeIdentities).toEqual(['node-1']);
  expect(w.model.agentTokens.default).toBe(await w.keeper.load('consulDns'));
}

describe('first-server dance', () => {
  it('goes bootstrap form -> ACLs -> tokens -> revert -> restart -> verify -> publish', async () => {
    const w = await world();
    const did = await runConsulDance(await w.ports());
    await expectConverged(w);
    expect(w.model.bootstrapCalls).toBe(1);
    expect(did).toContain('ACLs bootstrapped');
    expect(w.calls).toEqual(['dropin consul write', 'start consul', 'dropin consul remove', 'restart consul']);
  });

  it('the secret is stored before the bootstrap call', async () => {
    const w = await world();
    await expect(runConsulDance(await w.ports('consul-bootstrap:secret-stored'))).rejects.toBeInstanceOf(CrashAt);
    expect(w.model.bootstrapCalls).toBe(0);
    expect(w.store.get('consulManagement')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a second run on a finished node changes nothing and publishes again', async () => {
    const w = await world();
    await runConsulDance(await w.ports());
    const restarts = w.calls.filter((c) => /^(start|restart)/.test(c)).length;
    expect(await runConsulDance(await w.ports())).toEqual(['cluster ready published']);
    expect(w.calls.filter((c) => /^(start|restart)/.test(c)).length).toBe(restarts);
    expect(w.model.bootstrapCalls).toBe(1);
  });

  it.each(DANCE_STEPS.map((s) => [s]))('killed at %s, a re-run converges with ACLs bootstrapped exactly once', async (s) => {
    const w = await world();
    await expect(runConsulDance(await w.ports(`consul-bootstrap:${s}`))).rejects.toBeInstanceOf(CrashAt);
    const firstSecret = await w.keeper.load('consulManagement');
    await runConsulDance(await w.ports());
    await expectConverged(w);
    expect(w.model.management).toBe(firstSecret ?? w.model.management);
    // The bootstrap itself succeeded once; a retry may be answered "no longer allowed", never a second success.
    expect(w.model.bootstrapCalls).toBeLessThanOrEqual(2);
  });

  it('killed after revert but before restart, the re-run restarts Consul (the running one still has bootstrap form)', async () => {
    const w = await world();
    await expect(runConsulDance(await w.ports('consul-bootstrap:revert'))).rejects.toBeInstanceOf(CrashAt);
    expect(w.model.defaultPolicy).toBe('allow');
    const before = w.restarts();
    await runConsulDance(await w.ports());
    expect(w.restarts()).toBe(before + 1);
    expect(w.model.defaultPolicy).toBe('deny');
  });

  it('ACLs bootstrapped by someone else and no working stored secret: HN_E_ACL_BOOTSTRAP_LOST with the reset procedure', async () => {
    const w = await world();
    w.model.management = 'somebody-elses-secret';
    w.model.resetIndex = 42;
    const err = await runConsulDance(await w.ports()).catch((e) => e);
    expect(isHashinodeError(err, 'HN_E_ACL_BOOTSTRAP_LOST')).toBe(true);
    expect(err.message).toContain('reset index: 42');
    expect(err.message).toContain('acl-bootstrap-reset');
    expect(w.published()).toBe(0);
  });

  it('a lost lease stops the dance before the bootstrap call', async () => {
    const w = await world();
    const ports = await w.ports();
    ports.fence = async () => {
      throw Object.assign(new Error('lost'), { code: 'HN_E_LEASE_LOST' });
    };
    await expect(runConsulDance(ports)).rejects.toThrow('lost');
    expect(w.model.bootstrapCalls).toBe(0);
    expect(w.published()).toBe(0);
  });

  it('refuses to publish when anonymous requests are allowed after the restart', async () => {
    const w = await world();
    const ports = await w.ports();
    ports.fullConfig = async () => FULL.replace('"deny"', '"allow"');
    ports.editConfig = (t) => t;
    const err = await runConsulDance(ports).catch((e) => e);
    expect(isHashinodeError(err, 'HN_E_SERVICE')).toBe(true);
    expect(err.message).toContain('ACLs are not enforced');
    expect(w.published()).toBe(0);
  });
});
