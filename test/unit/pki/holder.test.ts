import { describe, expect, it } from 'vitest';
import type { Role } from '../../../agent/node/types.ts';
import { DirMailboxStore } from '../../../agent/pki/dir-store.ts';
import { answerRequests } from '../../../agent/pki/holder.ts';
import { buildRequest, type MailboxRequest, readReply, requestPath } from '../../../agent/pki/mailbox.ts';
import { generateMailboxKeyPair, type MailboxKeyPair } from '../../../agent/pki/seal.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { clock, directory, holderMaterials, identityFor, SERVER_ID, testIdentityCerts, WORKER_ID } from './fixtures.ts';

async function setup() {
  const store = new DirMailboxStore(await tempDir());
  const c = clock();
  const dir = directory([
    { instanceId: 'i-0ccccccccccccccc3', state: 'terminated', tags: { 'hashinode:cluster': 'demo', 'hashinode:roles': 'nomad-client' } },
    { instanceId: 'i-0ddddddddddddddd4', state: 'running', tags: { 'hashinode:cluster': 'other', 'hashinode:roles': 'nomad-client' } },
  ]);
  const holder = async () =>
    answerRequests({ store, materials: await holderMaterials(), directory: dir, cluster: 'demo', clock: c, identityCerts: testIdentityCerts() });
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
    expect(bundle.tokens).toEqual({ consulAgent: m.tokens.consulAgent });
    expect(Object.keys(bundle.certs)).toEqual(['nomad']);
    expect(bundle.certs.nomad?.agent?.certPem).toBeDefined();
    expect(bundle.caCerts.consul).toBe(m.cas.consul!.certPem);
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
