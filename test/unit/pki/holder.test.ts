import { describe, expect, it } from 'vitest';
import type { Role } from '../../../agent/node/types.ts';
import { DirMailboxStore } from '../../../agent/pki/dir-store.ts';
import { answerRequests } from '../../../agent/pki/holder.ts';
import { buildRequest, type MailboxRequest, readReply, requestPath } from '../../../agent/pki/mailbox.ts';
import { generateMailboxKeyPair, type MailboxKeyPair } from '../../../agent/pki/seal.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { clock, directory, holderMaterials, identityFor, SERVER_ID, testIdentityCerts, VAULT_ID, WORKER_ID } from './fixtures.ts';

async function setup() {
  const store = new DirMailboxStore(await tempDir());
  const c = clock();
  const dir = directory([
    { instanceId: 'i-0ccccccccccccccc3', state: 'terminated', tags: { 'hashinode:cluster': 'demo', 'hashinode:roles': 'nomad-client' } },
    { instanceId: 'i-0ddddddddddddddd4', state: 'running', tags: { 'hashinode:cluster': 'other', 'hashinode:roles': 'nomad-client' } },
  ]);
  const holder = async (settleMs = 0) =>
    answerRequests({ store, materials: await holderMaterials(), directory: dir, cluster: 'demo', clock: c, identityCerts: testIdentityCerts(), settleMs });
  const submit = async (id: string, roles: Role[], opts: { keyPair?: MailboxKeyPair; patch?: Partial<MailboxRequest>; identityOf?: string } = {}) => {
    const keyPair = opts.keyPair ?? generateMailboxKeyPair();
    const request = { ...buildRequest({ instanceId: id, roles, identity: identityFor(opts.identityOf ?? id), keyPair, clock: c }), ...opts.patch };
    await store.publish(requestPath(id), JSON.stringify(request), { mode: 0o644 });
    return { keyPair, request };
  };
  return { store, c, holder, submit };
}

describe('answerRequests: refusals carry a clear reason', () => {
  const tampered = (r: MailboxRequest) => ({ identityDocument: r.identityDocument.replace('"t4g.small"', '"t4g.2xlarge"') });
  const cases: { name: string; id: string; roles: Role[]; patch?: (r: MailboxRequest) => Partial<MailboxRequest>; identityOf?: string; reason: RegExp }[] = [
    { name: 'a tampered identity document', id: WORKER_ID, roles: ['nomad-client'], patch: tampered, reason: /signature does not verify/ },
    {
      name: 'a wrong signature',
      id: WORKER_ID,
      roles: ['nomad-client'],
      patch: () => ({ identitySignature: identityFor(SERVER_ID).signature }),
      reason: /signature does not verify/,
    },
    { name: "another instance's identity document", id: WORKER_ID, roles: ['nomad-client'], identityOf: SERVER_ID, reason: /identity document is for i-0aaaaaaaaaaaaaaa1, not i-0bbbbbbbbbbbbbbb2/ },
    { name: 'a worker asking for the server bundle', id: WORKER_ID, roles: ['consul-server', 'nomad-server'], reason: /roles consul-server, nomad-server are not allowed by the instance's hashinode:roles tag \(nomad-client\)/ },
    { name: 'a terminated instance', id: 'i-0ccccccccccccccc3', roles: ['nomad-client'], reason: /i-0ccccccccccccccc3 is terminated, not running/ },
    { name: 'an instance of another cluster', id: 'i-0ddddddddddddddd4', roles: ['nomad-client'], reason: /not tagged hashinode:cluster=demo \(tag is other\)/ },
    { name: 'an instance EC2 does not know', id: 'i-0eeeeeeeeeeeeeee5', roles: ['nomad-client'], reason: /EC2 does not know instance i-0eeeeeeeeeeeeeee5/ },
    { name: 'a stale request', id: WORKER_ID, roles: ['nomad-client'], patch: () => ({ time: '2026-06-01T11:50:00.000Z' }), reason: /more than 300 s from the holder's clock/ },
    { name: 'a request naming another instance than its file', id: WORKER_ID, roles: ['nomad-client'], patch: () => ({ instanceId: SERVER_ID }), reason: /names another instance/ },
    { name: 'a public key that is not X25519', id: WORKER_ID, roles: ['nomad-client'], patch: () => ({ publicKey: Buffer.alloc(16).toString('base64') }), reason: /not an X25519 public key/ },
    { name: 'an unknown role', id: WORKER_ID, roles: ['nomad-client'], patch: () => ({ roles: ['root'] as unknown as Role[] }), reason: /roles must be a list of/ },
  ];
  it.each(cases)('refuses $name', async ({ id, roles, patch, identityOf, reason }) => {
    const { holder, submit, store } = await setup();
    const base = await submit(id, roles, identityOf ? { identityOf } : {});
    if (patch) await submit(id, roles, { keyPair: base.keyPair, patch: { ...patch(base.request), nonce: base.request.nonce } });
    const [report] = await holder();
    expect(report).toMatchObject({ instanceId: id, outcome: 'refused', reason: expect.stringMatching(reason) });
    // The node reads the same reason back, as HN_E_MAILBOX_REFUSED.
    await expect(readReply(store, id, base.request.nonce, base.keyPair)).rejects.toMatchObject({ code: 'HN_E_MAILBOX_REFUSED', message: expect.stringMatching(reason) });
    expect(await store.fetch(`replies/${id}.sealed`)).toBeNull();
  });

  it('refuses a second key for a known instance: the first key wins', async () => {
    const { holder, submit, store } = await setup();
    await submit(WORKER_ID, ['nomad-client']);
    expect((await holder())[0]).toMatchObject({ outcome: 'sealed' });
    const impostor = await submit(WORKER_ID, ['nomad-client']);
    const [report] = await holder();
    expect(report).toMatchObject({ outcome: 'refused', reason: expect.stringMatching(/another public key is registered for i-0bbbbbbbbbbbbbbb2 .*the first key wins/) });
    await expect(readReply(store, WORKER_ID, impostor.request.nonce, impostor.keyPair)).rejects.toMatchObject({ code: 'HN_E_MAILBOX_REFUSED' });
  });

  it('refuses a replayed nonce that was already answered', async () => {
    const { holder, submit, store } = await setup();
    const first = await submit(WORKER_ID, ['nomad-client']);
    await holder();
    await submit(WORKER_ID, ['nomad-client'], { keyPair: first.keyPair }); // a new request replaces the reply
    await holder();
    await store.publish(requestPath(WORKER_ID), JSON.stringify(first.request), { mode: 0o644 }); // the old one, replayed
    const [report] = await holder();
    expect(report).toMatchObject({ outcome: 'refused', reason: expect.stringMatching(/already answered/) });
  });
});

describe('answerRequests: the settle window against a racing impostor', () => {
  it('answers a new key only after it was the only key offered for the settle window', async () => {
    const { holder, submit, c } = await setup();
    await submit(WORKER_ID, ['nomad-client']);
    expect(await holder(5_000)).toEqual([{ instanceId: WORKER_ID, outcome: 'deferred', reason: expect.stringMatching(/waiting 5 s for a competing key/) }]);
    await c.advance(4_000);
    expect((await holder(5_000))[0]?.outcome).toBe('deferred');
    await c.advance(1_000);
    expect(await holder(5_000)).toEqual([{ instanceId: WORKER_ID, outcome: 'sealed', kind: 'worker' }]);
  });

  it('two keys for one instance inside the window: neither is answered, until an operator steps in', async () => {
    const { holder, submit, c, store } = await setup();
    const real = await submit(SERVER_ID, ['consul-server']);
    await holder(5_000);
    await c.advance(1_000);
    await submit(SERVER_ID, ['consul-server']); // an impostor replays the server's identity with its own key
    const [report] = await holder(5_000);
    expect(report).toMatchObject({ outcome: 'refused', reason: expect.stringMatching(/two different public keys were offered for i-0aaaaaaaaaaaaaaa1 within the settle window/) });
    await submit(SERVER_ID, ['consul-server'], { keyPair: real.keyPair }); // the real node puts its request back
    await c.advance(10_000);
    expect((await holder(5_000))[0]).toMatchObject({ outcome: 'refused', reason: expect.stringMatching(/until an operator removes keys\/i-0aaaaaaaaaaaaaaa1\.json/) });
    expect(await store.fetch(`replies/${SERVER_ID}.sealed`)).toBeNull();
  });

  it('a key record forged on the shared disk is ignored (its MAC does not verify)', async () => {
    const { holder, submit, store } = await setup();
    const impostor = generateMailboxKeyPair();
    const forged = { v: 1, instanceId: SERVER_ID, publicKey: impostor.publicKey, firstSeen: '2026-01-01T00:00:00.000Z', status: 'pinned', answered: [], mac: Buffer.alloc(32).toString('base64') };
    await store.publish(`keys/${SERVER_ID}.json`, JSON.stringify(forged), { mode: 0o644 });
    const real = await submit(SERVER_ID, ['consul-server']);
    expect((await holder())[0]).toMatchObject({ outcome: 'sealed', kind: 'server' });
    expect(await readReply(store, SERVER_ID, real.request.nonce, real.keyPair)).toMatchObject({ kind: 'server' });
    await submit(SERVER_ID, ['consul-server'], { keyPair: impostor });
    expect((await holder())[0]).toMatchObject({ outcome: 'refused', reason: expect.stringMatching(/the first key wins/) });
  });
});

describe('answerRequests: holder-side failures', () => {
  it('defers (no reply) when EC2 cannot be asked, and keeps answering the other requests', async () => {
    const store = new DirMailboxStore(await tempDir());
    const c = clock();
    const working = directory();
    const flaky = {
      async describe(id: string) {
        if (id === SERVER_ID) throw Object.assign(new Error('DescribeInstances throttled'), { code: 'HN_E_AWS_API' });
        return working.describe(id);
      },
    };
    for (const [id, roles] of [
      [SERVER_ID, ['consul-server']],
      [WORKER_ID, ['nomad-client']],
    ] as [string, Role[]][]) {
      const req = buildRequest({ instanceId: id, roles, identity: identityFor(id), keyPair: generateMailboxKeyPair(), clock: c });
      await store.publish(requestPath(id), JSON.stringify(req), { mode: 0o644 });
    }
    const reports = await answerRequests({ store, materials: await holderMaterials(), directory: flaky, cluster: 'demo', clock: c, identityCerts: testIdentityCerts(), settleMs: 0 });
    expect(reports).toEqual([
      { instanceId: SERVER_ID, outcome: 'deferred', reason: 'DescribeInstances throttled' },
      { instanceId: WORKER_ID, outcome: 'sealed', kind: 'worker' },
    ]);
    expect(await store.list('replies')).toEqual([`${WORKER_ID}.sealed`]);
  });
});

describe('answerRequests: bundles', () => {
  it('a server gets CA keys, gossip keys, management tokens and its certificates', async () => {
    const { holder, submit, store } = await setup();
    const { keyPair, request } = await submit(SERVER_ID, ['consul-server', 'nomad-server']);
    expect(await holder()).toEqual([{ instanceId: SERVER_ID, outcome: 'sealed', kind: 'server' }]);
    const bundle = (await readReply(store, SERVER_ID, request.nonce, keyPair))!;
    const m = await holderMaterials();
    expect(bundle.kind).toBe('server');
    expect(bundle.caKeys).toEqual({ consul: m.cas.consul!.keyPem, nomad: m.cas.nomad!.keyPem, vault: m.cas.vault!.keyPem });
    expect(bundle.gossip).toEqual(m.gossip);
    expect(bundle.tokens).toMatchObject({ consulManagement: m.tokens.consulManagement, nomadManagement: m.tokens.nomadManagement });
    expect(Object.keys(bundle.certs).sort()).toEqual(['consul', 'nomad']);
    expect(bundle.certs.consul?.agent?.certPem).toContain('BEGIN CERTIFICATE');
    expect(bundle.certs.consul?.cli).toBeDefined();
  });

  it('a worker gets CA certificates, gossip keys, its own certificate and tokens, and no CA key or management token', async () => {
    const { holder, submit, store } = await setup();
    const { keyPair, request } = await submit(WORKER_ID, ['consul-client', 'nomad-client']);
    expect(await holder()).toEqual([{ instanceId: WORKER_ID, outcome: 'sealed', kind: 'worker' }]);
    const bundle = (await readReply(store, WORKER_ID, request.nonce, keyPair))!;
    const m = await holderMaterials();
    expect(bundle.kind).toBe('worker');
    expect(bundle.caKeys).toBeUndefined();
    expect(JSON.stringify(bundle)).not.toContain(m.cas.consul!.keyPem.split('\n')[1]!);
    // Only what its own agents use: not the Nomad servers' or Vault's Consul token.
    expect(bundle.tokens).toEqual({
      consulDns: m.tokens.consulDns,
      consulClientAgent: m.tokens.consulClientAgent,
      nomadClientConsul: m.tokens.nomadClientConsul,
    });
    expect(Object.keys(bundle.certs)).toEqual(['nomad']);
    expect(bundle.certs.nomad?.agent?.certPem).toBeDefined();
    expect(bundle.caCerts.consul).toBe(m.cas.consul!.certPem);
  });

  it('a Vault node without a server role gets the Vault storage token, and no Nomad token', async () => {
    const { holder, submit, store } = await setup();
    const { keyPair, request } = await submit(VAULT_ID, ['consul-client', 'vault-server']);
    expect(await holder()).toEqual([{ instanceId: VAULT_ID, outcome: 'sealed', kind: 'worker' }]);
    const bundle = (await readReply(store, VAULT_ID, request.nonce, keyPair))!;
    const m = await holderMaterials();
    expect(bundle.tokens).toEqual({ consulDns: m.tokens.consulDns, consulClientAgent: m.tokens.consulClientAgent, vaultStorage: m.tokens.vaultStorage });
  });

  it('answers a request once: the next pass skips it', async () => {
    const { holder, submit } = await setup();
    await submit(WORKER_ID, ['nomad-client']);
    expect((await holder())[0]?.outcome).toBe('sealed');
    expect(await holder()).toEqual([{ instanceId: WORKER_ID, outcome: 'skipped' }]);
  });

  it('the sealed reply does not open with another key', async () => {
    const { holder, submit, store } = await setup();
    const { request } = await submit(WORKER_ID, ['nomad-client']);
    await holder();
    await expect(readReply(store, WORKER_ID, request.nonce, generateMailboxKeyPair())).rejects.toMatchObject({ code: 'HN_E_SEALED_BOX' });
  });
});

describe('verifiedKeys', () => {
  it('lists the keys the holder pinned, with the kind it answered, and not forged records', async () => {
    const { holder, submit, store } = await setup();
    const server = await submit(SERVER_ID, ['consul-server', 'nomad-server']);
    const worker = await submit(WORKER_ID, ['nomad-client']);
    await holder();
    await store.publish('keys/i-0fffffffffffffff9.json', JSON.stringify({ v: 1, instanceId: 'i-0fffffffffffffff9', publicKey: 'x', status: 'pinned', answered: [], kind: 'server', mac: 'AAAA' }), { mode: 0o644 });
    const { recordMacKey, verifiedKeys } = await import('../../../agent/pki/mailbox.ts');
    const keys = await verifiedKeys(store, recordMacKey((await holderMaterials()).cas)!);
    expect(keys).toEqual([
      { instanceId: SERVER_ID, publicKey: server.keyPair.publicKey, kind: 'server' },
      { instanceId: WORKER_ID, publicKey: worker.keyPair.publicKey, kind: 'worker' },
    ]);
  });
});
