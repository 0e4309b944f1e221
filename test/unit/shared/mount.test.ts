import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../agent/core/clock.ts';
import type { Deps } from '../../../agent/core/deps.ts';
import { isHashinodeError } from '../../../agent/core/errors.ts';
import { nodeHttp } from '../../../agent/core/http.ts';
import { silentLog } from '../../../agent/core/log.ts';
import { Paths } from '../../../agent/core/paths.ts';
import type { EfsTarget } from '../../../agent/shared/discover.ts';
import { mountAt, mountCommands, mountShared, NFS_OPTIONS, parseProcMounts } from '../../../agent/shared/mount.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { RecordingExec } from './recording-exec.ts';

const TARGET: EfsTarget = {
  fileSystemId: 'fs-0123456789abcdef0',
  region: 'eu-west-1',
  availabilityZone: 'eu-west-1b',
  mountTargetId: 'fsmt-1',
  mountTargetIp: '10.0.2.15',
  mountTargetDns: 'eu-west-1b.fs-0123456789abcdef0.efs.eu-west-1.amazonaws.com',
};

async function setup(mounts = '', fail?: ConstructorParameters<typeof RecordingExec>[1]) {
  const root = await tempDir();
  await mkdir(path.join(root, 'proc'), { recursive: true });
  await writeFile(path.join(root, 'proc/mounts'), mounts);
  const exec = new RecordingExec(root, fail);
  const paths = new Paths(root);
  const deps: Deps = { clock: systemClock, paths, exec, log: silentLog(), http: nodeHttp };
  return { root, exec, deps, dir: paths.sharedMount };
}

describe('/proc/mounts', () => {
  it('parses fields and octal escapes; the last mount on a directory wins', () => {
    const entries = parseProcMounts(
      ['sysfs /sys sysfs rw 0 0', '10.0.2.15:/ /mnt/my\\040share nfs4 rw,vers=4.1 0 0', '127.0.0.1:/ /mnt/my\\040share nfs4 rw 0 0', ''].join('\n'),
    );
    expect(entries).toHaveLength(3);
    expect(mountAt(entries, '/mnt/my share')).toEqual({ source: '127.0.0.1:/', target: '/mnt/my share', fstype: 'nfs4', options: 'rw' });
    expect(mountAt(entries, '/mnt/other')).toBeUndefined();
  });
});

describe('mount commands', () => {
  it('with mount.efs: TLS and IAM through efs-utils', () => {
    expect(mountCommands(TARGET, '/mnt/s', true)).toEqual([{ file: 'mount', args: ['-t', 'efs', '-o', 'tls,iam', 'fs-0123456789abcdef0:/', '/mnt/s'] }]);
  });

  it("without it: NFS 4.1 with AWS's options, to the AZ's DNS name, then to the mount target IP", () => {
    expect(NFS_OPTIONS).toBe('nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport');
    expect(mountCommands(TARGET, '/mnt/s', false)).toEqual([
      { file: 'mount', args: ['-t', 'nfs4', '-o', NFS_OPTIONS, `${TARGET.mountTargetDns}:/`, '/mnt/s'] },
      { file: 'mount', args: ['-t', 'nfs4', '-o', NFS_OPTIONS, '10.0.2.15:/', '/mnt/s'] },
    ]);
  });
});

describe('mountShared', () => {
  it('mounts with NFS when mount.efs is absent, and a second call does nothing', async () => {
    const { exec, deps, dir } = await setup('proc /proc proc rw 0 0\n');
    expect(await mountShared(TARGET, dir, deps)).toEqual({ changed: true });
    expect(exec.calls).toEqual([{ file: 'mount', args: ['-t', 'nfs4', '-o', NFS_OPTIONS, `${TARGET.mountTargetDns}:/`, dir] }]);
    expect(await mountShared(TARGET, dir, deps)).toEqual({ changed: false });
    expect(exec.calls).toHaveLength(1);
  });

  it('uses mount.efs when the root has it', async () => {
    const { root, exec, deps, dir } = await setup();
    await mkdir(path.join(root, 'sbin'), { recursive: true });
    await writeFile(path.join(root, 'sbin/mount.efs'), '#!/bin/sh\n');
    await mountShared(TARGET, dir, deps);
    expect(exec.calls).toEqual([{ file: 'mount', args: ['-t', 'efs', '-o', 'tls,iam', `${TARGET.fileSystemId}:/`, dir] }]);
  });

  it('an existing mount (e.g. made by an operator) means nothing to do', async () => {
    const { exec, deps, dir } = await setup();
    await writeFile(deps.paths.host('/proc/mounts'), `fs-1.efs:/ ${dir} nfs4 rw 0 0\n`);
    expect(await mountShared(TARGET, dir, deps)).toEqual({ changed: false });
    expect(exec.calls).toEqual([]);
  });

  it('falls back to the mount target IP when the DNS name does not resolve', async () => {
    const { exec, deps, dir } = await setup('', (_f, args) =>
      args.includes(`${TARGET.mountTargetDns}:/`) ? { code: 32, stdout: '', stderr: 'mount.nfs4: Failed to resolve server' } : null,
    );
    expect(await mountShared(TARGET, dir, deps)).toEqual({ changed: true });
    expect(exec.calls.map((c) => c.args.at(-2))).toEqual([`${TARGET.mountTargetDns}:/`, '10.0.2.15:/']);
  });

  it('every attempt failing is HN_E_MOUNT naming the file system, the directory and each error', async () => {
    const { deps, dir } = await setup('', () => ({ code: 32, stdout: '', stderr: 'mount.nfs4: Connection timed out' }));
    await expect(mountShared(TARGET, dir, deps)).rejects.toSatisfy(
      (e) =>
        isHashinodeError(e, 'HN_E_MOUNT') &&
        (e as Error).message.includes(`cannot mount EFS ${TARGET.fileSystemId} on ${dir}`) &&
        ((e as Error).message.match(/Connection timed out/g) ?? []).length === 2,
    );
  });

  it('a mount that exits 0 but does not show up in /proc/mounts is an error', async () => {
    const { deps, dir } = await setup('', () => ({ code: 0, stdout: '', stderr: '' }));
    await expect(mountShared(TARGET, dir, deps)).rejects.toSatisfy((e) => isHashinodeError(e, 'HN_E_MOUNT') && /not in \/proc\/mounts/.test((e as Error).message));
  });
});
