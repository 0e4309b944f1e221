import { verify, X509Certificate } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../agent/core/clock.ts';
import type { Deps } from '../../../agent/core/deps.ts';
import { processExec } from '../../../agent/core/exec.ts';
import { nodeHttp } from '../../../agent/core/http.ts';
import { silentLog } from '../../../agent/core/log.ts';
import { Paths } from '../../../agent/core/paths.ts';
import { readIdentityDocument, readInstanceFacts } from '../../../agent/node/facts.ts';
import { identify } from '../../../agent/node/identify.ts';
import { ImdsClient } from '../../../agent/node/imds.ts';
import { type FakeImds, startFakeImds } from '../../fakes/imds.ts';
import { tempDir } from '../../helpers/tmp.ts';

let fake: FakeImds | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function deps(): Promise<Deps> {
  return { clock: systemClock, paths: new Paths(await tempDir()), http: nodeHttp, exec: processExec, log: silentLog() };
}

describe('identify', () => {
  it('returns the facts, the verifiable identity document and the warnings', async () => {
    fake = await startFakeImds({ tags: { 'hashinode:cluster': 'demo', 'hashinode:rolez': 'x' } });
    const out = await identify({ imdsEndpoint: fake.url, flags: { roles: 'consul-server', 'consul-servers': '2' } }, await deps());
    expect(out.facts.spec).toMatchObject({ cluster: 'demo', roles: ['consul-server'], consulServers: 2 });
    expect(out.facts.sources).toMatchObject({ cluster: 'tag:hashinode:cluster', roles: 'flag' });
    expect(out.warnings).toEqual([
      'consul server count 2 (flag) is even: it tolerates no more failures than 1; use an odd number',
      'unknown instance tag hashinode:rolez (did you mean hashinode:roles?); it is ignored',
    ]);
    const cert = new X509Certificate(fake.signingCertificatePem);
    expect(verify('sha256', Buffer.from(out.identity.document), cert.publicKey, Buffer.from(out.identity.signature, 'base64'))).toBe(true);
    expect(JSON.parse(out.identity.document).instanceId).toBe(out.facts.instance.instanceId);
  });

  it('reads the env file before touching IMDS, so a typo fails without network', async () => {
    const d = await deps();
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(d.paths.host('/etc/hashinode'), { recursive: true });
    await writeFile(d.paths.envFile, 'oops\n');
    await expect(identify({ imdsEndpoint: 'http://127.0.0.1:9', flags: {} }, d)).rejects.toMatchObject({ code: 'HN_E_ENV_FILE' });
  });
});

describe('instance facts from IMDS', () => {
  it('has a null IAM role without an instance profile', async () => {
    fake = await startFakeImds({ instance: { iamRole: null } });
    const imds = new ImdsClient({ endpoint: fake.url, http: nodeHttp, clock: systemClock });
    expect((await readInstanceFacts(imds)).iamRole).toBeNull();
  });

  it('reports an item IMDS lacks with HN_E_IMDS_BAD_RESPONSE naming it', async () => {
    fake = await startFakeImds({ instance: { mac: '02:00:00:00:00:09' } });
    // The fake serves the interface under the instance's mac; ask for facts of a changed mac.
    const imds = new ImdsClient({ endpoint: fake.url, http: nodeHttp, clock: systemClock });
    const original = imds.get.bind(imds);
    imds.get = (p: string) => (p === 'meta-data/mac' ? Promise.resolve('02:00:00:00:00:aa') : original(p));
    await expect(readInstanceFacts(imds)).rejects.toMatchObject({
      code: 'HN_E_IMDS_BAD_RESPONSE',
      message: expect.stringContaining('meta-data/network/interfaces/macs/02:00:00:00:00:aa/subnet-id'),
    });
    const doc = await readIdentityDocument(new ImdsClient({ endpoint: fake.url, http: nodeHttp, clock: systemClock }));
    expect(doc.document).toBe(fake.identity().document);
  });
});
