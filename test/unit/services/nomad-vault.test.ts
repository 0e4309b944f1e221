import { afterEach, describe, expect, it } from 'vitest';
import { isHashinodeError } from '../../../agent/core/errors.ts';
import { nodeHttp } from '../../../agent/core/http.ts';
import { NomadApi } from '../../../agent/services/nomad.ts';
import { VaultApi } from '../../../agent/services/vault.ts';
import { type FakeApi, newNomadModel, startFakeNomad, startFakeVault } from './fake-apis.ts';

const open: FakeApi[] = [];
afterEach(async () => {
  for (const f of open.splice(0)) await f.close();
});

describe('nomad api', () => {
  it('bootstraps ACLs once with the chosen secret; the second call is already-done', async () => {
    const m = newNomadModel();
    const fake = await startFakeNomad(m);
    open.push(fake);
    const api = new NomadApi({ address: fake.url, http: nodeHttp });
    expect(await api.leader()).toBe('127.0.0.1:4647');
    expect(await api.aclBootstrap('n-1')).toEqual({ kind: 'bootstrapped', accessorId: 'nomad-acc' });
    expect(await api.aclBootstrap('n-2')).toEqual({ kind: 'already-done' });
    expect(m.management).toBe('n-1');
    expect(await api.tokenSelf('n-1')).toMatchObject({ Type: 'management' });
    expect(await api.tokenSelf('n-2')).toBeNull();
    await api.upsertPolicy('n-1', 'read', 'read all', 'namespace "*" { policy = "read" }');
    await api.upsertPolicy('n-1', 'read', 'read all', 'namespace "*" { policy = "read" }');
    expect([...m.policies.keys()]).toEqual(['read']);
  });
});

describe('vault api', () => {
  it.each([
    [200, 'active', false],
    [429, 'standby', false],
    [501, 'uninitialized', true],
    [503, 'sealed', true],
  ] as const)('health %i is %s (sealed %s)', async (status, state, sealed) => {
    const fake = await startFakeVault({ status, body: { initialized: status !== 501, sealed } });
    open.push(fake);
    const h = await new VaultApi({ address: fake.url, http: nodeHttp }).health();
    expect(h.state).toBe(state);
    expect(h.sealed).toBe(sealed);
  });

  it('an unknown health status is HN_E_SERVICE_API', async () => {
    const fake = await startFakeVault({ status: 500 });
    open.push(fake);
    const err = await new VaultApi({ address: fake.url, http: nodeHttp }).health().catch((e) => e);
    expect(isHashinodeError(err, 'HN_E_SERVICE_API')).toBe(true);
  });
});
