import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../agent/core/clock.ts';
import { nodeHttp } from '../../../agent/core/http.ts';
import { ImdsClient } from '../../../agent/node/imds.ts';
import { describeInstanceTags, readImdsTags, readInstanceTags } from '../../../agent/node/tags.ts';
import { drive } from '../../fakes/clock-driver.ts';
import { type FakeEc2, startFakeEc2 } from '../../fakes/ec2.ts';
import { type FakeImds, startFakeImds } from '../../fakes/imds.ts';

const ROLE_KEY = 'ASIAROLEFROMIMDS';
const HOSTILE: Record<string, string> = {
  'hashinode:cluster': 'demo',
  quotes: `say "hi" and 'bye'`,
  newlines: 'one\ntwo\r\nthree',
  interpolation: `$${'{'}path.root} %{ if true }x%{ endif }`,
  long: 'é'.repeat(256),
  'non-ascii': 'Zürich 東京 🚀',
  'Größe:ü': 'key with non-ASCII and a colon',
  'a+b=c@d.e_f-g': 'key with every other allowed punctuation',
};

let imds: FakeImds;
let ec2: FakeEc2;
let clock: ManualClock;
let client: ImdsClient;

beforeEach(async () => {
  // Credentials must come from the fake IMDS role, not from the environment running the tests.
  delete process.env.AWS_ACCESS_KEY_ID;
  delete process.env.AWS_SECRET_ACCESS_KEY;
  delete process.env.AWS_PROFILE;
  clock = new ManualClock();
  imds = await startFakeImds({ tags: HOSTILE, credentials: { accessKeyId: ROLE_KEY } });
  ec2 = await startFakeEc2({
    maxPageSize: 2,
    accessKeyIds: [ROLE_KEY],
    region: 'eu-west-1',
    instances: [
      { instanceId: imds.instance.instanceId, state: 'running', privateIp: '10.0.1.10', tags: HOSTILE },
      { instanceId: 'i-0bbbbbbbbbbbbbbbb', state: 'running', privateIp: '10.0.1.11', tags: { 'hashinode:cluster': 'other' } },
    ],
  });
  client = new ImdsClient({ endpoint: imds.url, http: nodeHttp, clock });
});
afterEach(async () => {
  await imds.close();
  await ec2.close();
});

const opts = () => ({
  instanceId: imds.instance.instanceId,
  region: 'eu-west-1',
  awsEndpoint: ec2.url,
  imdsEndpoint: imds.url,
  clock,
  backoff: { baseMs: 500, capMs: 4000, random: () => 0 },
});

describe('instance tags', () => {
  it('reads every tag from IMDS verbatim (quotes, newlines, ${, 256 characters, non-ASCII) without any API call', async () => {
    expect(await readInstanceTags(client, opts())).toEqual({ tags: HOSTILE, via: 'imds' });
    expect(ec2.calls).toEqual([]);
  });

  it('falls back to DescribeTags when metadata tags are off: same tags, every page, only this instance', async () => {
    imds.setTagsEnabled(false);
    expect(await readImdsTags(client)).toBeNull();
    const got = await readInstanceTags(client, opts());
    expect(got).toEqual({ tags: HOSTILE, via: 'ec2' });
    const pages = Math.ceil(Object.keys(HOSTILE).length / 2);
    expect(ec2.calls).toEqual(Array(pages).fill('DescribeTags'));
    for (const r of ec2.requests) {
      expect(r.params).toMatchObject({ 'Filter.1.Name': 'resource-id', 'Filter.1.Value.1': imds.instance.instanceId, Version: '2016-11-15' });
      expect(r).toMatchObject({ accessKeyId: ROLE_KEY, region: 'eu-west-1' });
    }
    expect(ec2.requests.slice(1).every((r) => r.params.NextToken)).toBe(true);
  });

  it('backs off on RequestLimitExceeded on the injected clock and then succeeds', async () => {
    ec2.throttle(3);
    const t0 = clock.monotonic();
    const tags = await drive(clock, describeInstanceTags(opts()), 250);
    expect(tags).toEqual(HOSTILE);
    const pages = Math.ceil(Object.keys(HOSTILE).length / 2);
    expect(ec2.requests.map((r) => r.errorCode ?? r.status)).toEqual([...Array(3).fill('RequestLimitExceeded'), ...Array(pages).fill(200)]);
    // equal jitter with random 0: 250 + 500 + 1000 ms
    expect(clock.monotonic() - t0).toBeGreaterThanOrEqual(1750);
  });

  it('gives up with HN_E_AWS_API naming the throttling once its deadline passes', async () => {
    ec2.throttle(1000);
    const err = await drive(clock, describeInstanceTags({ ...opts(), deadlineMs: 5000 }), 500).catch((e) => e);
    expect(err).toMatchObject({ code: 'HN_E_AWS_API', exitCode: 23 });
    expect(err.message).toContain('RequestLimitExceeded');
    expect(err.message).toContain(ec2.url);
  });

  it('fails at once on an error retrying cannot fix (UnauthorizedOperation)', async () => {
    ec2.failNext({ code: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.', status: 403 });
    const err = await describeInstanceTags(opts()).catch((e) => e);
    expect(err).toMatchObject({ code: 'HN_E_AWS_API' });
    expect(err.message).toContain('UnauthorizedOperation');
    expect(ec2.calls).toHaveLength(1);
  });

  it('reports missing credentials when the instance has no role and the environment has none', async () => {
    await imds.close();
    imds = await startFakeImds({ instance: { iamRole: null } });
    const err = await describeInstanceTags({ ...opts(), imdsEndpoint: imds.url }).catch((e) => e);
    expect(err).toMatchObject({ code: 'HN_E_AWS_API' });
    expect(err.message).toContain('no IAM instance profile');
    expect(ec2.calls).toEqual([]);
  });
});
