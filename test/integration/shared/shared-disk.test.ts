import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../agent/core/clock.ts';
import type { Deps } from '../../../agent/core/deps.ts';
import { isHashinodeError } from '../../../agent/core/errors.ts';
import { nodeHttp } from '../../../agent/core/http.ts';
import { silentLog } from '../../../agent/core/log.ts';
import { Paths } from '../../../agent/core/paths.ts';
import { ensureSharedDisk } from '../../../agent/shared/disk.ts';
import { NFS_OPTIONS } from '../../../agent/shared/mount.ts';
import { startFakeEfs } from '../../fakes/efs.ts';
import { startFakeImds } from '../../fakes/imds.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { RecordingExec } from '../../unit/shared/recording-exec.ts';

const spec = { cluster: 'prod', efs: 'discover' };
const instance = { region: 'eu-west-1', availabilityZone: 'eu-west-1b' };

async function deps(root: string, exec = new RecordingExec(root)): Promise<Deps> {
  await mkdir(path.join(root, 'proc'), { recursive: true });
  await writeFile(path.join(root, 'proc/mounts'), '');
  return { clock: systemClock, paths: new Paths(root), exec, http: nodeHttp, log: silentLog() };
}

describe('ensureSharedDisk', () => {
  it('with --shared-dir: no AWS call, no mount; the directory is checked and the cluster directory made', async () => {
    const root = await tempDir();
    const shared = await tempDir();
    const exec = new RecordingExec(root);
    expect(await ensureSharedDisk({ spec, instance, sharedDir: shared }, await deps(root, exec))).toBe(shared);
    expect(exec.calls).toEqual([]);
    await expect(ensureSharedDisk({ spec, instance, sharedDir: path.join(shared, 'missing') }, await deps(root))).rejects.toSatisfy((e) =>
      isHashinodeError(e, 'HN_E_SHARED_UNAVAILABLE'),
    );
  });

  it('without: finds the tagged EFS (instance-profile credentials from IMDS), mounts it once, and returns the mount', async () => {
    const root = await tempDir();
    const efs = await startFakeEfs({
      region: 'eu-west-1',
      fileSystems: [
        {
          fileSystemId: 'fs-0000000000000042',
          lifeCycleState: 'available',
          tags: { 'hashinode:cluster': 'prod' },
          mountTargets: [{ mountTargetId: 'fsmt-1', availabilityZone: 'eu-west-1b', ipAddress: '10.0.2.42' }],
        },
      ],
    });
    const imds = await startFakeImds({ instance: { region: 'eu-west-1', availabilityZone: 'eu-west-1b' } });
    const exec = new RecordingExec(root);
    const d = await deps(root, exec);
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    try {
      const opts = { spec, instance, awsEndpoint: efs.url, imdsEndpoint: imds.url, pollMs: 10 };
      const mountDir = d.paths.sharedMount;
      expect(await ensureSharedDisk(opts, d)).toBe(mountDir);
      expect(exec.calls).toEqual([
        { file: 'mount', args: ['-t', 'nfs4', '-o', NFS_OPTIONS, 'eu-west-1b.fs-0000000000000042.efs.eu-west-1.amazonaws.com:/', mountDir] },
      ]);
      expect(await ensureSharedDisk(opts, d)).toBe(mountDir);
      expect(exec.calls).toHaveLength(1); // already in /proc/mounts
    } finally {
      if (saved.id !== undefined) process.env.AWS_ACCESS_KEY_ID = saved.id;
      if (saved.secret !== undefined) process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
      await Promise.all([efs.close(), imds.close()]);
    }
  });
});
