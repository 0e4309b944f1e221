import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { createEc2Client } from '../../../agent/node/aws-clients.ts';
import { type FakeEc2, type FakeInstance, startFakeEc2 } from '../../fakes/ec2.ts';
import { type FakeImds, startFakeImds } from '../../fakes/imds.ts';
import { REPO } from '../../helpers/cli.ts';
import { tempDir } from '../../helpers/tmp.ts';

const STATIC = { accessKeyId: 'AKIDSTATICFAKE', secretAccessKey: 'static-secret' };
let ec2: FakeEc2 | undefined;
let imds: FakeImds | undefined;
let client: EC2Client | undefined;
afterEach(async () => {
  client?.destroy();
  await ec2?.close();
  await imds?.close();
  client = ec2 = imds = undefined;
});

function inst(n: number, state: FakeInstance['state'], tags: Record<string, string>): FakeInstance {
  return { instanceId: `i-${String(n).padStart(17, '0')}`, state, privateIp: `10.0.0.${n}`, az: 'eu-west-1b', subnetId: 'subnet-9', vpcId: 'vpc-9', tags };
}

async function sdk(fake: FakeEc2, extra: { maxAttempts?: number } = {}) {
  client = await createEc2Client({ region: 'eu-west-1', endpoint: fake.url, credentials: STATIC, ...extra });
  return { client, ec2: await import('@aws-sdk/client-ec2') };
}

describe('fake EC2 with the real SDK client', () => {
  it('DescribeInstances: the retry_join query (tag:K=V, running) returns only running members', async () => {
    ec2 = await startFakeEc2({
      instances: [
        inst(1, 'running', { 'hashinode:cluster': 'demo' }),
        inst(2, 'stopped', { 'hashinode:cluster': 'demo' }),
        inst(3, 'running', { 'hashinode:cluster': 'other' }),
        inst(4, 'pending', { 'hashinode:cluster': 'demo' }),
      ],
    });
    const { client, ec2: m } = await sdk(ec2);
    const out = await client.send(
      new m.DescribeInstancesCommand({
        Filters: [
          { Name: 'tag:hashinode:cluster', Values: ['demo'] },
          { Name: 'instance-state-name', Values: ['running'] },
        ],
      }),
    );
    const found = out.Reservations?.flatMap((r) => r.Instances ?? []) ?? [];
    expect(found.map((i) => [i.InstanceId, i.PrivateIpAddress, i.State?.Name, i.State?.Code, i.Placement?.AvailabilityZone])).toEqual([
      ['i-00000000000000001', '10.0.0.1', 'running', 16, 'eu-west-1b'],
    ]);
    expect(found[0]?.Tags).toEqual([{ Key: 'hashinode:cluster', Value: 'demo' }]);
    expect(ec2.calls).toEqual(['DescribeInstances']);
  });

  it('DescribeInstances: InstanceId.N, tag-key, wildcards, paging by MaxResults, and a missing id', async () => {
    ec2 = await startFakeEc2({ instances: Array.from({ length: 12 }, (_, i) => inst(i + 1, 'running', { role: i % 2 ? 'server' : 'client' })) });
    const { client, ec2: m } = await sdk(ec2);
    const byId = await client.send(new m.DescribeInstancesCommand({ InstanceIds: ['i-00000000000000003'] }));
    expect(byId.Reservations?.[0]?.Instances?.[0]?.PrivateIpAddress).toBe('10.0.0.3');
    const wild = await client.send(new m.DescribeInstancesCommand({ Filters: [{ Name: 'tag:role', Values: ['serv*'] }, { Name: 'tag-key', Values: ['role'] }] }));
    expect(wild.Reservations).toHaveLength(6);
    const ids: string[] = [];
    for await (const p of m.paginateDescribeInstances({ client, pageSize: 5 }, {})) {
      ids.push(...(p.Reservations ?? []).flatMap((r) => (r.Instances ?? []).map((i) => i.InstanceId!)));
    }
    expect(ids).toHaveLength(12);
    expect(ec2.requests.filter((r) => r.action === 'DescribeInstances' && r.params.MaxResults === '5')).toHaveLength(3);
    await expect(client.send(new m.DescribeInstancesCommand({ InstanceIds: ['i-0000000000000abcd'] }))).rejects.toMatchObject({
      name: 'InvalidInstanceID.NotFound',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(client.send(new m.DescribeInstancesCommand({ Filters: [{ Name: 'bogus', Values: ['x'] }] }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
  });

  it('DescribeTags: resource-id filter, NextToken paging under the page cap, hostile values verbatim', async () => {
    const hostile = { quote: 'a"b\'c', newline: 'line1\nline2\r\n', dollar: `$${'{'}jndi} %{x}`, long: 'x'.repeat(256), uni: 'grüße ✓ 日本', empty: '' };
    const tags = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`k${i}`, `v${i}`]));
    ec2 = await startFakeEc2({ maxPageSize: 3, instances: [inst(1, 'running', { ...tags, ...hostile }), inst(2, 'running', { k0: 'other' })] });
    const { client, ec2: m } = await sdk(ec2);
    const got: Record<string, string> = {};
    let token: string | undefined;
    do {
      const page = await client.send(new m.DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: ['i-00000000000000001'] }], NextToken: token }));
      expect((page.Tags ?? []).length).toBeLessThanOrEqual(3);
      for (const t of page.Tags ?? []) {
        expect(t).toMatchObject({ ResourceId: 'i-00000000000000001', ResourceType: 'instance' });
        got[t.Key!] = t.Value ?? '';
      }
      token = page.NextToken;
    } while (token);
    expect(got).toEqual({ ...tags, ...hostile });
    expect(ec2.calls).toEqual(['DescribeTags', 'DescribeTags', 'DescribeTags', 'DescribeTags', 'DescribeTags']);
    await expect(client.send(new m.DescribeTagsCommand({ NextToken: 'garbage' }))).rejects.toMatchObject({ name: 'InvalidPaginationToken' });
  });

  it('throttles with 503 RequestLimitExceeded, which the SDK standard retry backs off from', async () => {
    ec2 = await startFakeEc2({ instances: [inst(1, 'running', { a: '1' })] });
    ec2.throttle(1);
    const once = await sdk(ec2, { maxAttempts: 1 });
    await expect(once.client.send(new once.ec2.DescribeTagsCommand({}))).rejects.toMatchObject({
      name: 'RequestLimitExceeded',
      $metadata: { httpStatusCode: 503 },
    });
    once.client.destroy();
    ec2.throttle(1, 'DescribeTags');
    const retrying = await sdk(ec2, { maxAttempts: 3 });
    const out = await retrying.client.send(new retrying.ec2.DescribeTagsCommand({}));
    expect(out.Tags).toHaveLength(1);
    expect(ec2.requests.map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('requires SigV4 and records the credentials the SDK got from the fake IMDS role', async () => {
    imds = await startFakeImds({ credentials: { accessKeyId: 'ASIAFROMFAKEIMDS', secretAccessKey: 's', token: 't' } });
    ec2 = await startFakeEc2({ instances: [inst(1, 'running', {})], accessKeyIds: ['ASIAFROMFAKEIMDS'], region: 'eu-west-1' });
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    try {
      client = await createEc2Client({ region: 'eu-west-1', endpoint: ec2.url, imdsEndpoint: imds.url });
      const m = await import('@aws-sdk/client-ec2');
      await client.send(new m.DescribeInstancesCommand({}));
      expect(ec2.requests[0]).toMatchObject({ accessKeyId: 'ASIAFROMFAKEIMDS', region: 'eu-west-1', status: 200 });
      expect(imds.requests.every((r) => r.method === 'PUT' || r.withToken)).toBe(true);
      const other = await createEc2Client({ region: 'eu-west-1', endpoint: ec2.url, credentials: STATIC });
      await expect(other.send(new m.DescribeInstancesCommand({}))).rejects.toMatchObject({ name: 'AuthFailure' });
      other.destroy();
    } finally {
      if (saved.id !== undefined) process.env.AWS_ACCESS_KEY_ID = saved.id;
      if (saved.secret !== undefined) process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    }
  });

  it('re-reads instances from the state file on every request, and runs standalone', async () => {
    const dir = await tempDir();
    const state = path.join(dir, 'ec2.json');
    await writeFile(state, JSON.stringify({ instances: [inst(1, 'running', { c: 'x' })] }));
    const child = spawn(process.execPath, [path.join(REPO, 'test/fakes/ec2.ts'), '--port', '0', '--state', state], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
      const { url } = JSON.parse(line) as { url: string };
      client = await createEc2Client({ region: 'eu-west-1', endpoint: url, credentials: STATIC });
      const m = await import('@aws-sdk/client-ec2');
      const count = async () => (await client!.send(new m.DescribeInstancesCommand({ Filters: [{ Name: 'tag:c', Values: ['x'] }] }))).Reservations?.length;
      expect(await count()).toBe(1);
      await writeFile(state, JSON.stringify([inst(1, 'running', { c: 'x' }), inst(2, 'running', { c: 'x' })]));
      expect(await count()).toBe(2);
    } finally {
      child.kill('SIGTERM');
    }
  });
});

describe('fake EC2 request-rate throttling', () => {
  it('admits a burst up to the bucket, throttles the rest, and refills on its clock', async () => {
    const { ManualClock } = await import('../../../agent/core/clock.ts');
    const clock = new ManualClock();
    ec2 = await startFakeEc2({ instances: [inst(1, 'running', {})], rateLimit: { capacity: 5, refillPerSecond: 2, clock } });
    const { client, ec2: m } = await sdk(ec2, { maxAttempts: 1 });
    const burst = await Promise.allSettled(Array.from({ length: 8 }, () => client.send(new m.DescribeInstancesCommand({}))));
    expect(burst.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(burst.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.name)).toEqual([
      'RequestLimitExceeded',
      'RequestLimitExceeded',
      'RequestLimitExceeded',
    ]);
    await clock.advance(1000);
    const after = await Promise.allSettled(Array.from({ length: 3 }, () => client.send(new m.DescribeInstancesCommand({}))));
    expect(after.map((r) => r.status).sort()).toEqual(['fulfilled', 'fulfilled', 'rejected']);
  });
});

describe('credential chain', () => {
  it('prefers AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY from the environment over the instance profile', async () => {
    imds = await startFakeImds({ credentials: { accessKeyId: 'ASIAIMDSROLE' } });
    ec2 = await startFakeEc2({ instances: [] });
    const saved = { ...process.env };
    process.env.AWS_ACCESS_KEY_ID = 'AKIDFROMENV';
    process.env.AWS_SECRET_ACCESS_KEY = 'env-secret';
    process.env.AWS_SESSION_TOKEN = 'env-token';
    try {
      client = await createEc2Client({ region: 'eu-west-1', endpoint: ec2.url, imdsEndpoint: imds.url });
      const m = await import('@aws-sdk/client-ec2');
      await client.send(new m.DescribeInstancesCommand({}));
      expect(ec2.requests[0]?.accessKeyId).toBe('AKIDFROMENV');
      expect(imds.requests).toEqual([]);
    } finally {
      for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
  });
});
