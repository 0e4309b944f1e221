import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../agent/core/clock.ts';
import { nodeHttp } from '../../../agent/core/http.ts';
import { silentLog } from '../../../agent/core/log.ts';
import { Paths } from '../../../agent/core/paths.ts';
import { createEc2Client } from '../../../agent/node/aws-clients.ts';
import { ImdsClient } from '../../../agent/node/imds.ts';
import { STATE, tlsPaths } from '../../../agent/node/materials.ts';
import type { Role } from '../../../agent/node/types.ts';
import { installMaterials } from '../../../agent/pki/bundle.ts';
import { createCa } from '../../../agent/pki/ca.ts';
import { newGossipKey } from '../../../agent/pki/gossip.ts';
import { answerRequests, type HolderMaterials } from '../../../agent/pki/holder.ts';
import { ec2InstanceDirectory } from '../../../agent/pki/instances.ts';
import { loadOrCreateMailboxKey, requestMaterials } from '../../../agent/pki/mailbox.ts';
import { SharedStore } from '../../../agent/shared/store.ts';
import { type FakeEc2, startFakeEc2 } from '../../fakes/ec2.ts';
import { type FakeImds, startFakeImds } from '../../fakes/imds.ts';
import { tempDir } from '../../helpers/tmp.ts';

// The whole mailbox, end to end: a node reads its identity from (fake) IMDS, publishes a request on
// the shared store, the holder checks it against the signature and (fake) EC2 through the real SDK,
// the node opens the sealed reply and installs it. Then the shared directory is searched byte by
// byte for every secret that travelled.

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

const SERVER = { instanceId: 'i-0123456789abcdef0', privateIp: '127.0.1.1', roles: ['consul-server', 'nomad-server'] as Role[] };
const WORKER = { instanceId: 'i-0fedcba9876543210', privateIp: '127.0.1.2', roles: ['consul-client', 'nomad-client'] as Role[] };

async function materials(): Promise<HolderMaterials> {
  return {
    cas: { consul: await createCa('consul'), nomad: await createCa('nomad') },
    gossip: { consul: newGossipKey(), nomad: newGossipKey() },
    tokens: {
      consulManagement: '5f0c1a2e-7b1d-4c39-9e61-0d2f5f1b9a11',
      nomadManagement: '9b8e2f3c-1a6d-4e57-8c42-7f3e0a9d6b22',
      consulClientAgent: '0e4d7c1b-3f2a-4b86-a9c5-1d8e6f2a7c33',
      nomadServerConsul: '7a1c9e3d-5b2f-4c68-b0d4-2e9f8a1c6d44',
    },
    datacenter: 'dc1',
    region: 'global',
  };
}

async function node(spec: typeof SERVER, signingKeyPem?: string): Promise<FakeImds> {
  const imds = await startFakeImds({ instance: { instanceId: spec.instanceId, privateIp: spec.privateIp, region: 'us-east-1' }, ...(signingKeyPem ? { signingKeyPem } : {}) });
  closers.push(() => imds.close());
  return imds;
}

async function identityFrom(imds: FakeImds) {
  const client = new ImdsClient({ endpoint: imds.url, http: nodeHttp, clock: systemClock });
  return { document: (await client.get('dynamic/instance-identity/document'))!, signature: (await client.get('dynamic/instance-identity/signature'))! };
}

/** Every file under dir, recursively, as one list of buffers. */
async function allBytes(dir: string): Promise<{ file: string; bytes: Buffer }[]> {
  const out: { file: string; bytes: Buffer }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out.push({ file, bytes: await readFile(file) });
  }
  return out;
}

/** The forms a secret could leak in: raw, base64, the PEM body, the DER bytes behind a PEM. */
function needles(secret: string): Buffer[] {
  const forms = [Buffer.from(secret), Buffer.from(Buffer.from(secret).toString('base64'))];
  const pem = /-----BEGIN [A-Z ]+-----\n([\s\S]+?)\n-----END/.exec(secret);
  if (pem) {
    const body = pem[1]!;
    forms.push(Buffer.from(body), Buffer.from(body.replace(/\n/g, '')), Buffer.from(body, 'base64'));
    for (const line of body.split('\n')) if (line.length >= 40) forms.push(Buffer.from(line));
  }
  if (/^[A-Za-z0-9+/]{43}=$/.test(secret)) forms.push(Buffer.from(secret, 'base64')); // a gossip key's raw bytes
  return forms;
}

describe('mailbox exchange over the shared store', () => {
  it('a server and a worker get their bundles; the shared directory holds none of the secrets', async () => {
    const m = await materials();
    const serverImds = await node(SERVER);
    const workerImds = await node(WORKER, serverImds.signingKeyPem);
    const ec2: FakeEc2 = await startFakeEc2({
      instances: [
        { instanceId: SERVER.instanceId, state: 'running', privateIp: SERVER.privateIp, tags: { 'hashinode:cluster': 'demo', 'hashinode:roles': 'consul-server,nomad-server' } },
        { instanceId: WORKER.instanceId, state: 'running', privateIp: WORKER.privateIp, tags: { 'hashinode:cluster': 'demo', 'hashinode:roles': 'nomad-client' } },
      ],
    });
    closers.push(() => ec2.close());
    const sharedDir = await tempDir('hashinode-shared-');
    const store = new SharedStore(sharedDir, { log: silentLog() });
    const directory = ec2InstanceDirectory(() =>
      createEc2Client({ region: 'us-east-1', endpoint: ec2.url, credentials: { accessKeyId: 'AKIDHOLDER', secretAccessKey: 'holder-secret' }, maxAttempts: 1 }),
    );

    // The holder answers in a loop, as the elected server does.
    let stop = false;
    const reports: unknown[] = [];
    const holder = (async () => {
      while (!stop) {
        reports.push(...(await answerRequests({ store, materials: m, directory, cluster: 'demo', clock: systemClock, identityCerts: { 'us-east-1': serverImds.signingCertificatePem }, settleMs: 300 })));
        await systemClock.sleep(20);
      }
    })();

    const roots = { server: await tempDir('hashinode-node-'), worker: await tempDir('hashinode-node-') };
    const ask = async (spec: typeof SERVER, imds: FakeImds, root: string) => {
      const paths = new Paths(root);
      const keyPair = await loadOrCreateMailboxKey(paths);
      const bundle = await requestMaterials({ store, instanceId: spec.instanceId, roles: spec.roles, identity: await identityFrom(imds), keyPair, clock: systemClock, pollMs: 25, timeoutMs: 20_000 });
      await installMaterials(bundle, paths);
      return bundle;
    };
    const [serverBundle, workerBundle] = await Promise.all([ask(SERVER, serverImds, roots.server), ask(WORKER, workerImds, roots.worker)]);
    stop = true;
    await holder;

    expect(serverBundle.kind).toBe('server');
    expect(serverBundle.caKeys?.consul).toBe(m.cas.consul!.keyPem);
    expect(workerBundle.kind).toBe('worker');
    expect(workerBundle.caKeys).toBeUndefined();
    expect(workerBundle.tokens).toEqual({ consulClientAgent: m.tokens.consulClientAgent });
    expect(ec2.calls).toContain('DescribeInstances');

    // Installed where the services look, with the right modes.
    const srv = new Paths(roots.server);
    expect(await readFile(srv.host(tlsPaths('consul').caFile), 'utf8')).toBe(m.cas.consul!.certPem);
    expect((await stat(srv.host(tlsPaths('consul').keyFile))).mode & 0o777).toBe(0o600);
    expect((await readFile(srv.host(STATE.consulGossipKey), 'utf8')).trim()).toBe(m.gossip.consul);
    const wrk = new Paths(roots.worker);
    expect(await readFile(wrk.host(tlsPaths('nomad').certFile), 'utf8')).toBe(workerBundle.certs.nomad!.agent!.certPem);
    await expect(stat(wrk.host(STATE.caKeysDir))).rejects.toMatchObject({ code: 'ENOENT' });

    // The byte scan: no CA key, leaf key, gossip key or token in any form anywhere on the shared disk.
    const secrets = [
      m.cas.consul!.keyPem,
      m.cas.nomad!.keyPem,
      m.gossip.consul!,
      m.gossip.nomad!,
      ...Object.values(m.tokens) as string[],
      serverBundle.certs.consul!.agent!.keyPem,
      serverBundle.certs.nomad!.agent!.keyPem,
      workerBundle.certs.nomad!.agent!.keyPem,
    ];
    const files = await allBytes(sharedDir);
    expect(files.map((f) => path.relative(sharedDir, f.file)).sort()).toEqual([
      `keys/${SERVER.instanceId}.json`,
      `keys/${WORKER.instanceId}.json`,
      `replies/${SERVER.instanceId}.sealed`,
      `replies/${WORKER.instanceId}.sealed`,
      `requests/${SERVER.instanceId}.json`,
      `requests/${WORKER.instanceId}.json`,
    ]);
    for (const secret of secrets) {
      for (const needle of needles(secret)) {
        for (const f of files) expect(f.bytes.includes(needle), `${path.relative(sharedDir, f.file)} contains a secret`).toBe(false);
      }
    }
    // The scan itself can see a secret: a node's own (unshared) root does hold one.
    const own = await allBytes(roots.server);
    expect(own.some((f) => needles(m.gossip.consul!).some((n) => f.bytes.includes(n)))).toBe(true);
  });

  it('a worker asking for the server bundle is refused through EC2 tags, and learns why', async () => {
    const m = await materials();
    const imds = await node(WORKER);
    const ec2 = await startFakeEc2({
      instances: [{ instanceId: WORKER.instanceId, state: 'running', privateIp: WORKER.privateIp, tags: { 'hashinode:cluster': 'demo', 'hashinode:roles': 'nomad-client' } }],
    });
    closers.push(() => ec2.close());
    const store = new SharedStore(await tempDir('hashinode-shared-'), { log: silentLog() });
    const directory = ec2InstanceDirectory(() => createEc2Client({ region: 'us-east-1', endpoint: ec2.url, credentials: { accessKeyId: 'AKIDHOLDER', secretAccessKey: 'x' }, maxAttempts: 1 }));
    const keyPair = await loadOrCreateMailboxKey(new Paths(await tempDir()));
    const asking = requestMaterials({ store, instanceId: WORKER.instanceId, roles: ['consul-server'], identity: await identityFrom(imds), keyPair, clock: systemClock, pollMs: 25, timeoutMs: 20_000 });
    const answered = (async () => {
      for (let i = 0; i < 400; i++) {
        const r = await answerRequests({ store, materials: m, directory, cluster: 'demo', clock: systemClock, identityCerts: { 'us-east-1': imds.signingCertificatePem } });
        if (r.length) return r;
        await systemClock.sleep(20);
      }
      return [];
    })();
    await expect(asking).rejects.toMatchObject({ code: 'HN_E_MAILBOX_REFUSED', message: expect.stringMatching(/consul-server are not allowed by the instance's hashinode:roles tag \(nomad-client\)/) });
    expect(await answered).toMatchObject([{ outcome: 'refused' }]);
  });

  it('an instance EC2 reports terminated is refused', async () => {
    const m = await materials();
    const imds = await node(WORKER);
    const ec2 = await startFakeEc2({
      instances: [{ instanceId: WORKER.instanceId, state: 'terminated', privateIp: WORKER.privateIp, tags: { 'hashinode:cluster': 'demo', 'hashinode:roles': 'nomad-client' } }],
    });
    closers.push(() => ec2.close());
    const store = new SharedStore(await tempDir('hashinode-shared-'), { log: silentLog() });
    const directory = ec2InstanceDirectory(() => createEc2Client({ region: 'us-east-1', endpoint: ec2.url, credentials: { accessKeyId: 'AKIDHOLDER', secretAccessKey: 'x' }, maxAttempts: 1 }));
    const keyPair = await loadOrCreateMailboxKey(new Paths(await tempDir()));
    const { buildRequest, requestPath } = await import('../../../agent/pki/mailbox.ts');
    const req = buildRequest({ instanceId: WORKER.instanceId, roles: WORKER.roles, identity: await identityFrom(imds), keyPair, clock: systemClock });
    await store.publish(requestPath(WORKER.instanceId), JSON.stringify(req), { mode: 0o644 });
    const [report] = await answerRequests({ store, materials: m, directory, cluster: 'demo', clock: systemClock, identityCerts: { 'us-east-1': imds.signingCertificatePem }, settleMs: 0 });
    expect(report).toMatchObject({ outcome: 'refused', reason: `instance ${WORKER.instanceId} is terminated, not running` });
  });
});
