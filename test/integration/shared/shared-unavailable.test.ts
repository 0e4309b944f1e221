import { execFileSync } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { classifySharedError } from '../../../agent/shared/shared-dir.ts';
import { runMain } from '../../helpers/cli.ts';
import { tempDir } from '../../helpers/tmp.ts';

// A shared directory that is missing, read-only or full must fail fast with HN_E_SHARED_UNAVAILABLE
// and the path, before the election starts. Read-only and full file systems are real tmpfs mounts
// when we may mount (root, as in CI); otherwise a mode-0555 directory stands in for read-only.

const mounted: string[] = [];
afterEach(() => {
  for (const m of mounted.splice(0)) execFileSync('umount', [m]);
});

function tryMount(dir: string, options: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
    mounted.push(dir);
    return true;
  } catch {
    return false;
  }
}

const elect = (shared: string) => runMain(['elect', '--shared-dir', shared, '--cluster', 'c1', '--instance-id', 'i-1', '--once']);

describe('an unusable shared directory', () => {
  it('missing: exit 33, HN_E_SHARED_UNAVAILABLE naming the path', async () => {
    const shared = path.join(await tempDir(), 'not-mounted');
    const r = await elect(shared);
    expect(r.code).toBe(33);
    expect(r.stderr).toContain(`HN_E_SHARED_UNAVAILABLE: shared directory ${shared} is missing`);
  });

  it('read-only: exit 33 naming the path', async () => {
    const shared = path.join(await tempDir(), 'ro');
    await mkdir(shared);
    if (!tryMount(shared, 'ro,size=1m')) await chmod(shared, 0o555);
    const r = await elect(shared);
    expect(r.code).toBe(33);
    expect(r.stderr).toContain(`shared directory ${shared} is read-only`);
  });

  it('full: exit 33 naming the path', async () => {
    const shared = path.join(await tempDir(), 'full');
    await mkdir(shared);
    if (tryMount(shared, 'size=64k')) {
      await writeFile(path.join(shared, 'filler'), Buffer.alloc(64 * 1024)).catch(() => {});
      const r = await elect(shared);
      expect(r.code).toBe(33);
      expect(r.stderr).toContain(`shared directory ${shared} is full`);
    } else {
      // Without the right to mount, the errno mapping is what decides the message.
      expect(classifySharedError('ENOSPC')).toBe('full');
      expect(classifySharedError('EDQUOT')).toBe('full');
    }
  });

  it.each([
    ['ENOENT', 'missing'],
    ['ENOTDIR', 'missing'],
    ['EROFS', 'read-only'],
    ['EACCES', 'read-only'],
    ['ENOSPC', 'full'],
    ['EIO', 'error'],
  ])('%s reads as %s', (code, problem) => {
    expect(classifySharedError(code)).toBe(problem);
  });
});
