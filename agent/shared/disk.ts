import type { Deps } from '../core/deps.ts';
import type { ClusterSpec, InstanceFacts } from '../node/types.ts';
import type { EfsStatus } from './discover.ts';
import { ensureWritableShared } from './shared-dir.ts';

// The one call the workflow makes to get a usable shared disk: with `sharedDir` (operators who
// mount it themselves, the demo, tests) only check it; otherwise find the EFS, wait for it, mount it.

export interface SharedDiskOptions {
  spec: Pick<ClusterSpec, 'cluster' | 'efs'>;
  instance: Pick<InstanceFacts, 'region' | 'availabilityZone'>;
  /** An already-mounted shared directory: skips discovery and mounting. */
  sharedDir?: string;
  awsEndpoint?: string;
  imdsEndpoint?: string;
  /** Progress while waiting for the file system (the daemon's status). */
  onStatus?: (status: EfsStatus) => void;
  /** Waiting for the file system gives up after this long (default 15 min). */
  timeoutMs?: number;
  pollMs?: number;
}

/**
 * Returns the shared root (the directory that holds `hashinode/<cluster>/`), checked writable.
 * Throws HN_E_EFS_NOT_FOUND / HN_E_EFS_NOT_READY / HN_E_MOUNT / HN_E_SHARED_UNAVAILABLE.
 */
export async function ensureSharedDisk(opts: SharedDiskOptions, deps: Deps): Promise<string> {
  if (opts.sharedDir) {
    await ensureWritableShared(opts.sharedDir, opts.spec.cluster);
    return opts.sharedDir;
  }
  const [{ waitForEfs }, { mountShared }] = await Promise.all([import('./discover.ts'), import('./mount.ts')]);
  const target = await waitForEfs(
    {
      efs: opts.spec.efs,
      cluster: opts.spec.cluster,
      region: opts.instance.region,
      availabilityZone: opts.instance.availabilityZone,
      awsEndpoint: opts.awsEndpoint,
      imdsEndpoint: opts.imdsEndpoint,
      onStatus: opts.onStatus,
      timeoutMs: opts.timeoutMs,
      pollMs: opts.pollMs,
    },
    deps,
  );
  const dir = deps.paths.sharedMount;
  await mountShared(target, dir, deps);
  await ensureWritableShared(dir, opts.spec.cluster);
  return dir;
}
