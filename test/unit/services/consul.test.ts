import { afterEach, describe, expect, it } from 'vitest';
import { isHashinodeError } from '../../../agent/core/errors.ts';
import { nodeHttp } from '../../../agent/core/http.ts';
import { isUnreachable } from '../../../agent/services/api.ts';
import { ConsulApi } from '../../../agent/services/consul.ts';
import { type FakeApi, newConsulModel, startFakeConsul } from './fake-apis.ts';

const open: FakeApi[] = [];
afterEach(async () => {
  for (const f of open.splice(0)) await f.close();
});

async function setup() {
  const m = newConsulModel();
  const fake = await startFakeConsul(m);
  open.push(fake);
  return { m, api: new ConsulApi({ address: fake.url, http: nodeHttp }) };
}

describe('consul api', () => {
  it('reads the leader, empty while there is none', async () => {
    const { m, api } = await setup();
    expect(await api.leader()).toBe('127.0.0.1:8300');
    m.leader = '';
    expect(await api.leader()).toBe('');
  });

  it('bootstraps ACLs with the chosen secret; a second call is already-done with the reset index', async () => {
    const { m, api } = await setup();
    expect(await api.aclBootstrap('s-1')).toEqual({ kind: 'bootstrapped', accessorId: 'acc-mgmt' });
    expect(m.management).toBe('s-1');
    expect(await api.aclBootstrap('s-2')).toEqual({ kind: 'already-done', resetIndex: 13 });
    expect(m.management).toBe('s-1');
  });

  it('token/self tells a working secret from an unknown one', async () => {
    const { api } = await setup();
    await api.aclBootstrap('s-1');
    expect(await api.tokenSelf('s-1')).toMatchObject({ AccessorID: 'acc-mgmt' });
    expect(await api.tokenSelf('nope')).toBeNull();
  });

  it('policies and tokens are created once; repeats count as existing', async () => {
    const { m, api } = await setup();
    await api.aclBootstrap('s-1');
    const pol = { Name: 'dns', Description: 'dns', Rules: 'node_prefix "" { policy = "read" }' };
    expect(await api.ensurePolicy('s-1', pol)).toBe('created');
    expect(await api.ensurePolicy('s-1', pol)).toBe('exists');
    const tok = { AccessorID: 'a-1', SecretID: 't-1', Description: 'agent', NodeIdentities: [{ NodeName: 'n1', Datacenter: 'dc1' }] };
    expect(await api.ensureToken('s-1', tok)).toBe('created');
    expect(await api.ensureToken('s-1', tok)).toBe('exists');
    expect(m.tokens.get('t-1')?.nodeIdentities).toEqual(['n1']);
  });

  it('a refused write is HN_E_SERVICE_API naming method, endpoint and status, never the token', async () => {
    const { api } = await setup();
    await api.aclBootstrap('s-1');
    const err = await api.ensurePolicy('wrong-secret', { Name: 'x', Description: '', Rules: '' }).catch((e) => e);
    expect(isHashinodeError(err, 'HN_E_SERVICE_API')).toBe(true);
    expect(err.message).toMatch(/consul PUT http:\/\/127\.0\.0\.1:\d+\/v1\/acl\/policy answered 403/);
    expect(err.message).not.toContain('wrong-secret');
  });

  it('sets agent tokens through the agent token API', async () => {
    const { m, api } = await setup();
    await api.aclBootstrap('s-1');
    await api.setAgentToken('s-1', 'agent', 'tok-a');
    await api.setAgentToken('s-1', 'default', 'tok-d');
    expect(m.agentTokens).toEqual({ agent: 'tok-a', default: 'tok-d' });
  });

  it('status() reports an anonymous denial without throwing', async () => {
    const { api } = await setup();
    await api.aclBootstrap('s-1');
    expect(await api.status('GET', '/v1/agent/self')).toBe(403);
    expect(await api.status('GET', '/v1/agent/self', 's-1')).toBe(200);
  });

  it('nothing listening is an unreachable HN_E_SERVICE_API', async () => {
    const api = new ConsulApi({ address: 'http://127.0.0.1:1', http: nodeHttp, timeoutMs: 2000 });
    const err = await api.leader().catch((e) => e);
    expect(isHashinodeError(err, 'HN_E_SERVICE_API')).toBe(true);
    expect(isUnreachable(err)).toBe(true);
  });
});
