import { mkdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { HashinodeError } from '../core/errors.ts';
import { replaceFile } from './atomic.ts';

// Everything hashinode keeps on the shared disk lives under `<shared>/hashinode/<cluster>/`, so one
// EFS file system can serve several clusters and an operator sees at a glance what is ours.

export function clusterDir(sharedRoot: string, cluster: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(cluster)) {
    throw new HashinodeError('HN_E_SPEC_INVALID', `cluster name '${cluster}' cannot name a directory (letters, digits, . _ -)`);
  }
  return path.join(sharedRoot, 'hashinode', cluster);
}

export type SharedProblem = 'missing' | 'read-only' | 'full' | 'error';

/** What an errno means for the shared directory, so the operator gets one actionable word. */
export function classifySharedError(code: string | undefined): SharedProblem {
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return 'missing';
    case 'EROFS':
    case 'EACCES':
    case 'EPERM':
      return 'read-only';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'full';
    default:
      return 'error';
  }
}

export function sharedUnavailable(dir: string, err: unknown, action: string): HashinodeError {
  const code = (err as NodeJS.ErrnoException)?.code;
  const problem = classifySharedError(code);
  const what = problem === 'error' ? `unusable (${code ?? (err as Error)?.message ?? String(err)})` : problem;
  return new HashinodeError('HN_E_SHARED_UNAVAILABLE', `shared directory ${dir} is ${what}: ${action} failed`, {
    cause: err,
    details: { path: dir, problem, errno: code },
  });
}

/**
 * Checks that the shared root exists and that we can create, write and remove a file under the
 * cluster directory: a missing mount, a read-only export or a full disk shows up here, with the
 * path named, instead of as a confusing failure halfway through the election.
 */
export async function ensureWritableShared(sharedRoot: string, cluster: string): Promise<string> {
  try {
    const st = await stat(sharedRoot);
    if (!st.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (err) {
    throw sharedUnavailable(sharedRoot, err, 'stat');
  }
  const dir = clusterDir(sharedRoot, cluster);
  const probe = path.join(dir, `.probe-${process.pid}`);
  try {
    // One level at a time: a recursive mkdir on a read-only file system reports ENOENT, not EROFS.
    for (const d of [path.join(sharedRoot, 'hashinode'), dir, path.join(dir, 'election')]) {
      await mkdir(d).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
    }
    // 4 KiB: a disk with no room for a lease file fails here, not while holding the lease.
    await replaceFile(probe, Buffer.alloc(4096), 0o600);
    await unlink(probe);
  } catch (err) {
    await unlink(probe).catch(() => {});
    throw sharedUnavailable(sharedRoot, err, `writing under ${dir}`);
  }
  return dir;
}
