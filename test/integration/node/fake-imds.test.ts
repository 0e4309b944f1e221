import { spawn } from 'node:child_process';
import { verify, X509Certificate } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../agent/core/clock.ts';
import { HttpError } from '../../../agent/core/http.ts';
import { type FakeImds, startFakeImds } from '../../fakes/imds.ts';
import { imdsGet, imdsRead, imdsToken } from '../../fakes/imds-session.ts';
import { signingKey } from '../../fakes/signing-key.ts';
import { REPO } from '../../helpers/cli.ts';
import { tempDir } from '../../helpers/tmp.ts';

let fake: FakeImds | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('fake IMDS: the IMDSv2 token protocol', () => {
  it('issues a token for a PUT with a TTL and answers GETs that carry it', async () => {
    fake = await startFakeImds({ instance: { instanceId: 'i-0abcdef0123456789' } });
    const put = await imdsToken(fake.url, '300');
    expect(put.status).toBe(200);
    expect(put.headers['x-aws-ec2-metadata-token-ttl-seconds']).toBe('300');
    const get = await imdsGet(fake.url, 'meta-data/instance-id', put.body);
    expect(get).toMatchObject({ status: 200, body: 'i-0abcdef0123456789' });
    expect(fake.tokensIssued).toBe(1);
  });

  it.each([
    ['no TTL header', undefined, {}, 400],
    ['TTL 0', '0', {}, 400],
    ['TTL above 21600', '21601', {}, 400],
    ['TTL not a number', 'soon', {}, 400],
    ['X-Forwarded-For on the PUT', '60', { 'x-forwarded-for': '10.9.9.9' }, 403],
  ])('rejects a token PUT with %s', async (_name, ttl, headers, status) => {
    fake = await startFakeImds();
    const res =
      ttl === undefined
        ? await (await import('../../../agent/core/http.ts')).nodeHttp.request({ method: 'PUT', url: `${fake.url}/latest/api/token` })
        : await imdsToken(fake.url, ttl, headers);
    expect(res.status).toBe(status);
    expect(fake.tokensIssued).toBe(0);
  });

  it('answers 401 to a GET without a token (IMDSv1 is off) and with an unknown token', async () => {
    fake = await startFakeImds();
    expect((await imdsGet(fake.url, 'meta-data/instance-id')).status).toBe(401);
    expect((await imdsGet(fake.url, 'meta-data/instance-id', 'made-up')).status).toBe(401);
  });

  it('expires a token after its TTL on the injected clock, and on invalidateTokens()', async () => {
    const clock = new ManualClock();
    fake = await startFakeImds({ clock });
    const token = (await imdsToken(fake.url, '10')).body;
    await clock.advance(9_999);
    expect((await imdsGet(fake.url, 'meta-data/instance-id', token)).status).toBe(200);
    await clock.advance(1);
    expect((await imdsGet(fake.url, 'meta-data/instance-id', token)).status).toBe(401);
    const second = (await imdsToken(fake.url, '10')).body;
    fake.invalidateTokens();
    expect((await imdsGet(fake.url, 'meta-data/instance-id', second)).status).toBe(401);
  });

  it('answers 403 to everything when IMDS is disabled', async () => {
    fake = await startFakeImds({ disabled: true });
    expect((await imdsToken(fake.url)).status).toBe(403);
    fake.setDisabled(false);
    expect(await imdsRead(fake.url, 'meta-data/instance-id')).toMatch(/^i-/);
  });
});

describe('fake IMDS: the metadata it serves', () => {
  it('serves the instance facts, the interface, and listings', async () => {
    fake = await startFakeImds({
      instance: { region: 'us-east-2', availabilityZone: 'us-east-2b', mac: '02:00:00:00:00:01', subnetId: 'subnet-1', vpcId: 'vpc-1' },
    });
    const read = (p: string) => imdsRead(fake!.url, p);
    expect(await read('meta-data/placement/region')).toBe('us-east-2');
    expect(await read('meta-data/placement/availability-zone')).toBe('us-east-2b');
    expect(await read('meta-data/network/interfaces/macs/02:00:00:00:00:01/subnet-id')).toBe('subnet-1');
    expect(await read('meta-data/network/interfaces/macs/02:00:00:00:00:01/vpc-id')).toBe('vpc-1');
    expect((await read('meta-data/')).split('\n')).toEqual(expect.arrayContaining(['instance-id', 'placement/', 'network/', 'iam/']));
    expect(await read('meta-data/no-such-thing')).toBe('HTTP 404');
  });

  it('serves tags when metadata tags are on, 404 when off', async () => {
    fake = await startFakeImds({ tags: { 'hashinode:cluster': 'demo', Name: 'web 1' } });
    expect((await imdsRead(fake.url, 'meta-data/tags/instance')).split('\n').sort()).toEqual(['Name', 'hashinode:cluster']);
    expect(await imdsRead(fake.url, 'meta-data/tags/instance/hashinode:cluster')).toBe('demo');
    fake.setTagsEnabled(false);
    expect(await imdsRead(fake.url, 'meta-data/tags/instance')).toBe('HTTP 404');
    fake.setTagsEnabled(true);
    fake.setTags({});
    expect(await imdsRead(fake.url, 'meta-data/tags/instance')).toBe('');
  });

  it('serves the spot notice and the ASG lifecycle state once set', async () => {
    fake = await startFakeImds();
    expect(await imdsRead(fake.url, 'meta-data/spot/instance-action')).toBe('HTTP 404');
    fake.setSpotAction({ action: 'terminate', time: '2026-01-01T00:02:00Z' });
    expect(JSON.parse(await imdsRead(fake.url, 'meta-data/spot/instance-action'))).toEqual({ action: 'terminate', time: '2026-01-01T00:02:00Z' });
    fake.setLifecycleState('Terminated');
    expect(await imdsRead(fake.url, 'meta-data/autoscaling/target-lifecycle-state')).toBe('Terminated');
  });

  it('serves role credentials in the documented JSON, and no iam/ without a role', async () => {
    fake = await startFakeImds({ credentials: { accessKeyId: 'ASIATEST', secretAccessKey: 'sk', token: 'tok' } });
    expect(await imdsRead(fake.url, 'meta-data/iam/security-credentials/')).toBe('hashinode-node');
    const creds = JSON.parse(await imdsRead(fake.url, 'meta-data/iam/security-credentials/hashinode-node'));
    expect(creds).toMatchObject({ Code: 'Success', Type: 'AWS-HMAC', AccessKeyId: 'ASIATEST', SecretAccessKey: 'sk', Token: 'tok' });
    expect(Date.parse(creds.Expiration)).toBeGreaterThan(Date.now());
    expect(JSON.parse(await imdsRead(fake.url, 'meta-data/iam/info')).InstanceProfileArn).toBe(
      'arn:aws:iam::123456789012:instance-profile/hashinode-node',
    );
    await fake.close();
    fake = await startFakeImds({ instance: { iamRole: null } });
    expect(await imdsRead(fake.url, 'meta-data/iam/security-credentials/')).toBe('HTTP 404');
  });

  it('signs the identity document with RSA-SHA256 verifiable with its certificate, and takes a given key', async () => {
    const key = signingKey();
    fake = await startFakeImds({ signingKeyPem: key.privateKeyPem, instance: { instanceId: 'i-0fedcba9876543210' } });
    const document = await imdsRead(fake.url, 'dynamic/instance-identity/document');
    const signature = await imdsRead(fake.url, 'dynamic/instance-identity/signature');
    expect(JSON.parse(document)).toMatchObject({ instanceId: 'i-0fedcba9876543210', region: 'eu-west-1', accountId: '123456789012' });
    const cert = new X509Certificate(fake.signingCertificatePem);
    expect(verify('sha256', Buffer.from(document), cert.publicKey, Buffer.from(signature, 'base64'))).toBe(true);
    expect(verify('sha256', Buffer.from(document), key.publicKeyPem, Buffer.from(signature, 'base64'))).toBe(true);
    expect(verify('sha256', Buffer.from(`${document} `), cert.publicKey, Buffer.from(signature, 'base64'))).toBe(false);
    expect(fake.identity()).toEqual({ document, signature });
  });
});

describe('fake IMDS: fault injection', () => {
  it('answers 503 bursts, drops connections and delays answers on request', async () => {
    fake = await startFakeImds();
    const token = (await imdsToken(fake.url)).body;
    fake.injectFault({ kind: '503', count: 2, path: 'meta-data/instance-id' });
    expect((await imdsGet(fake.url, 'meta-data/instance-id', token)).status).toBe(503);
    expect((await imdsGet(fake.url, 'meta-data/local-ipv4', token)).status).toBe(200);
    expect((await imdsGet(fake.url, 'meta-data/instance-id', token)).status).toBe(503);
    expect((await imdsGet(fake.url, 'meta-data/instance-id', token)).status).toBe(200);
    fake.injectFault({ kind: 'drop', count: 1 });
    await expect(imdsGet(fake.url, 'meta-data/instance-id', token)).rejects.toBeInstanceOf(HttpError);
    fake.injectFault({ kind: 'latency', ms: 400, count: 1 });
    const { nodeHttp } = await import('../../../agent/core/http.ts');
    await expect(
      nodeHttp.request({ method: 'GET', url: `${fake.url}/latest/meta-data/mac`, headers: { 'x-aws-ec2-metadata-token': token }, timeoutMs: 50 }),
    ).rejects.toMatchObject({ kind: 'timeout' });
    fake.clearFaults();
    expect((await imdsGet(fake.url, 'meta-data/instance-id', token)).status).toBe(200);
  });
});

describe('fake IMDS: standalone', () => {
  it('runs as `node test/fakes/imds.ts --port 0 --state FILE` and follows the state file', async () => {
    const dir = await tempDir();
    const state = path.join(dir, 'imds.json');
    const certOut = path.join(dir, 'cert.pem');
    await writeFile(state, JSON.stringify({ instance: { instanceId: 'i-00000000000000001' }, tags: { a: '1' } }));
    const child = spawn(process.execPath, [path.join(REPO, 'test/fakes/imds.ts'), '--port', '0', '--state', state, '--cert-out', certOut], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
      const { url } = JSON.parse(line) as { url: string };
      expect(await imdsRead(url, 'meta-data/instance-id')).toBe('i-00000000000000001');
      await writeFile(state, JSON.stringify({ tagsEnabled: false, spotAction: { action: 'stop', time: '2026-01-01T00:00:00Z' } }));
      // mtime resolution: make sure the change is seen as a change
      await new Promise((r) => setTimeout(r, 20));
      await writeFile(state, JSON.stringify({ tagsEnabled: false, spotAction: { action: 'stop', time: '2026-01-01T00:00:00Z' } }));
      expect(await imdsRead(url, 'meta-data/tags/instance')).toBe('HTTP 404');
      expect(await imdsRead(url, 'meta-data/spot/instance-action')).toContain('"stop"');
      const { readFile } = await import('node:fs/promises');
      expect(await readFile(certOut, 'utf8')).toContain('BEGIN CERTIFICATE');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
