import { afterEach, describe, expect, it } from 'vitest';
import { createEc2Client } from '../../../agent/node/aws-clients.ts';
import { ec2InstanceDirectory } from '../../../agent/pki/instances.ts';
import { type FakeEc2, startFakeEc2 } from '../../fakes/ec2.ts';

let ec2: FakeEc2 | undefined;
afterEach(async () => {
  await ec2?.close();
  ec2 = undefined;
});

function directory(fake: FakeEc2) {
  return ec2InstanceDirectory(() =>
    createEc2Client({ region: 'us-east-1', endpoint: fake.url, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' }, maxAttempts: 1 }),
  );
}

describe('ec2InstanceDirectory (real SDK against the fake EC2)', () => {
  it('reports state, tags and private IP from DescribeInstances', async () => {
    ec2 = await startFakeEc2({
      instances: [{ instanceId: 'i-0123456789abcdef0', state: 'stopped', privateIp: '10.0.0.9', tags: { 'hashinode:cluster': 'demo', 'hashinode:roles': 'nomad-client' } }],
    });
    expect(await directory(ec2).describe('i-0123456789abcdef0')).toEqual({
      instanceId: 'i-0123456789abcdef0',
      state: 'stopped',
      privateIp: '10.0.0.9',
      tags: { 'hashinode:cluster': 'demo', 'hashinode:roles': 'nomad-client' },
    });
    expect(ec2.calls).toEqual(['DescribeInstances']);
  });

  it('an id EC2 does not know is null, not an error', async () => {
    ec2 = await startFakeEc2({ instances: [] });
    expect(await directory(ec2).describe('i-0ffffffffffffffff')).toBeNull();
  });

  it('other API failures are HN_E_AWS_API', async () => {
    ec2 = await startFakeEc2({ instances: [] });
    ec2.failNext({ code: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.', status: 403 });
    await expect(directory(ec2).describe('i-0123456789abcdef0')).rejects.toMatchObject({ code: 'HN_E_AWS_API', message: /DescribeInstances i-0123456789abcdef0 failed/ });
  });
});
