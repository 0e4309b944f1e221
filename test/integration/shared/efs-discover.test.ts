import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../../agent/core/clock.ts';
import { isHashinodeError } from '../../../agent/core/errors.ts';
import { silentLog } from '../../../agent/core/log.ts';
import { type DiscoverOptions, type EfsStatus, waitForEfs } from '../../../agent/shared/discover.ts';
import { type FakeEfs, type FakeFileSystem, startFakeEfs } from '../../fakes/efs.ts';

// The real @aws-sdk/client-efs against the fake EFS endpoint; time runs on a clock whose sleeps
// return at once, so waiting for `creating -> available` takes no real time.

const CREDS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
let fake: FakeEfs | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function steppingClock(onSleep: (n: number) => void = () => {}) {
  let mono = 0;
  const sleeps: number[] = [];
  const clock: Clock = {
    now: () => 1_767_225_600_000 + mono,
    monotonic: () => mono,
    sleep: async (ms) => {
      sleeps.push(ms);
      mono += ms;
      onSleep(sleeps.length);
    },
  };
  return { clock, sleeps };
}

const fs = (id: string, cluster: string | null, state: FakeFileSystem['lifeCycleState'] = 'available', azs = ['eu-west-1a', 'eu-west-1b']): FakeFileSystem => ({
  fileSystemId: id,
  lifeCycleState: state,
  tags: cluster ? { Name: `${cluster}-shared`, 'hashinode:cluster': cluster } : { Name: 'other' },
  mountTargets: azs.map((az, i) => ({ mountTargetId: `fsmt-${id.slice(3)}${i}`, availabilityZone: az, ipAddress: `10.0.${i + 1}.9` })),
});

const opts = (extra: Partial<DiscoverOptions> = {}): DiscoverOptions => ({
  efs: 'discover',
  cluster: 'prod',
  region: 'eu-west-1',
  availabilityZone: 'eu-west-1b',
  awsEndpoint: fake!.url,
  credentials: CREDS,
  pollMs: 5000,
  random: () => 0.5, // no jitter: exact waits
  ...extra,
});

describe('EFS discovery through the real SDK', () => {
  it('finds the file system by the hashinode:cluster tag across Marker pages, and its mount target in our AZ', async () => {
    const many = Array.from({ length: 7 }, (_, i) => fs(`fs-00000000000000a${i}`, i === 5 ? 'prod' : `c${i}`));
    fake = await startFakeEfs({ fileSystems: many, maxPageSize: 2, region: 'eu-west-1' });
    const { clock } = steppingClock();
    const target = await waitForEfs(opts(), { clock, log: silentLog() });
    expect(target).toEqual({
      fileSystemId: 'fs-00000000000000a5',
      region: 'eu-west-1',
      availabilityZone: 'eu-west-1b',
      mountTargetId: 'fsmt-00000000000000a51',
      mountTargetIp: '10.0.2.9',
      mountTargetDns: 'eu-west-1b.fs-00000000000000a5.efs.eu-west-1.amazonaws.com',
    });
    expect(fake.calls.filter((c) => c === 'DescribeFileSystems')).toHaveLength(4); // 7 file systems, 2 per page
    expect(fake.requests[1]!.query.Marker).toBeDefined();
  });

  it('uses the id from the spec directly (FileSystemId filter)', async () => {
    fake = await startFakeEfs({ fileSystems: [fs('fs-0123456789abcdef0', null)] });
    const target = await waitForEfs(opts({ efs: 'fs-0123456789abcdef0' }), { clock: steppingClock().clock, log: silentLog() });
    expect(target.fileSystemId).toBe('fs-0123456789abcdef0');
    expect(fake.requests[0]!.query).toEqual({ FileSystemId: 'fs-0123456789abcdef0' });
  });

  it('waits while creating and while our AZ has no mount target, reporting each state', async () => {
    fake = await startFakeEfs({ fileSystems: [fs('fs-0000000000000001', 'prod', 'creating', ['eu-west-1a'])] });
    const statuses: EfsStatus[] = [];
    const { clock, sleeps } = steppingClock((n) => {
      if (n === 2) fake!.setState('fs-0000000000000001', 'available');
      if (n === 4) fake!.fileSystems[0]!.mountTargets.push({ mountTargetId: 'fsmt-b', availabilityZone: 'eu-west-1b', ipAddress: '10.0.2.7' });
    });
    const target = await waitForEfs(opts({ onStatus: (s) => statuses.push(s) }), { clock, log: silentLog() });
    expect(target.mountTargetIp).toBe('10.0.2.7');
    expect(sleeps).toEqual([5000, 5000, 5000, 5000]);
    const states = statuses.map((s) => s.state);
    expect(states).toContain('waiting');
    expect(statuses.map((s) => s.message)).toEqual(
      expect.arrayContaining([
        'waiting: EFS fs-0000000000000001 is creating',
        'waiting: EFS fs-0000000000000001 has no available mount target in eu-west-1b',
      ]),
    );
    expect(states.at(-1)).toBe('ready');
  });

  it('jitters each wait by up to ±20 %', async () => {
    fake = await startFakeEfs({ fileSystems: [fs('fs-0000000000000001', 'prod', 'creating')] });
    const randoms = [0, 0.75, 0.25];
    const { clock, sleeps } = steppingClock((n) => {
      if (n === 3) fake!.setState('fs-0000000000000001', 'available');
    });
    await waitForEfs(opts({ random: () => randoms.shift() ?? 0.5 }), { clock, log: silentLog() });
    expect(sleeps).toEqual([4000, 5500, 4500]);
  });

  it('backs off on ThrottlingException and then succeeds', async () => {
    fake = await startFakeEfs({ fileSystems: [fs('fs-0000000000000001', 'prod')] });
    fake.throttle(3, 'DescribeFileSystems');
    const statuses: EfsStatus[] = [];
    const { clock, sleeps } = steppingClock();
    await waitForEfs(opts({ onStatus: (s) => statuses.push(s) }), { clock, log: silentLog() });
    expect(sleeps).toEqual([10_000, 20_000, 40_000]);
    expect(statuses.some((s) => s.state === 'throttled' && s.message.includes('ThrottlingException'))).toBe(true);
    expect(fake.requests.filter((r) => r.errorCode === 'ThrottlingException')).toHaveLength(3);
  });

  it.each([
    ['no tagged file system', [fs('fs-0000000000000001', 'staging')], {}, /no EFS file system has the tag hashinode:cluster=prod/],
    ['an unknown id', [fs('fs-0000000000000001', 'prod')], { efs: 'fs-00000000000000ff' }, /EFS file system fs-00000000000000ff does not exist/],
    ['two tagged file systems', [fs('fs-0000000000000001', 'prod'), fs('fs-0000000000000002', 'prod')], {}, /several EFS file systems .*fs-0000000000000001, fs-0000000000000002/],
  ])('%s is HN_E_EFS_NOT_FOUND', async (_n, systems, extra, message) => {
    fake = await startFakeEfs({ fileSystems: systems });
    await expect(waitForEfs(opts(extra), { clock: steppingClock().clock, log: silentLog() })).rejects.toSatisfy(
      (e) => isHashinodeError(e, 'HN_E_EFS_NOT_FOUND') && message.test((e as Error).message),
    );
  });

  it('a file system that never becomes ready is HN_E_EFS_NOT_READY after the timeout; one in error fails at once', async () => {
    fake = await startFakeEfs({ fileSystems: [fs('fs-0000000000000001', 'prod', 'creating')] });
    const { clock, sleeps } = steppingClock();
    await expect(waitForEfs(opts({ timeoutMs: 60_000 }), { clock, log: silentLog() })).rejects.toSatisfy(
      (e) => isHashinodeError(e, 'HN_E_EFS_NOT_READY') && /not ready after 60 s: waiting: EFS fs-0000000000000001 is creating/.test((e as Error).message),
    );
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(60_000);
    fake.setState('fs-0000000000000001', 'error');
    await expect(waitForEfs(opts(), { clock, log: silentLog() })).rejects.toSatisfy((e) => isHashinodeError(e, 'HN_E_EFS_NOT_READY') && /is error/.test((e as Error).message));
  });
});
