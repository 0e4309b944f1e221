import type { EFSClient, FileSystemDescription, MountTargetDescription } from '@aws-sdk/client-efs';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { Clock, Log } from '../core/deps.ts';
import { HashinodeError, isHashinodeError } from '../core/errors.ts';
import { awsErrorCode, createEfsClient, isRetryableAwsError } from '../node/aws-clients.ts';

// Finding the cluster's EFS file system and waiting until this instance can mount it. A fresh
// stack creates the file system and its mount targets at the same time as the instances, so the
// first boot routinely sees `creating`, or no mount target in its AZ yet: that is waiting, not an
// error, and the daemon reports it as its status. Calls are few and spaced (one Describe pair per
// poll, backoff on throttling) so a fleet booting together stays within the API rate limits.

export const CLUSTER_TAG = 'hashinode:cluster';

export interface EfsTarget {
  fileSystemId: string;
  region: string;
  availabilityZone: string;
  mountTargetId: string;
  mountTargetIp: string;
  /** `<az>.<fs-id>.efs.<region>.amazonaws.com`: the mount target of this AZ, by name. */
  mountTargetDns: string;
}

export interface EfsStatus {
  state: 'finding' | 'waiting' | 'throttled' | 'ready';
  message: string;
  fileSystemId?: string;
}

export interface DiscoverOptions {
  /** `fs-...`, or `discover` to find it by the `hashinode:cluster` tag. */
  efs: string;
  cluster: string;
  region: string;
  availabilityZone: string;
  awsEndpoint?: string;
  imdsEndpoint?: string;
  /** Static credentials (tests); default: environment, then the instance profile. */
  credentials?: AwsCredentialIdentity;
  /** Give up after this long (default 15 min). */
  timeoutMs?: number;
  /** Between checks while waiting (default 10 s); throttling backs off from here up to 60 s. */
  pollMs?: number;
  onStatus?: (status: EfsStatus) => void;
  /** Source of jitter in [0, 1) (default Math.random): waits vary ±20 % so a fleet does not poll in step. */
  random?: () => number;
}

export function mountTargetDns(az: string, fileSystemId: string, region: string): string {
  return `${az}.${fileSystemId}.efs.${region}.amazonaws.com`;
}

async function listFileSystems(client: EFSClient, fileSystemId?: string): Promise<FileSystemDescription[]> {
  const { paginateDescribeFileSystems } = await import('@aws-sdk/client-efs');
  const out: FileSystemDescription[] = [];
  for await (const page of paginateDescribeFileSystems({ client }, fileSystemId ? { FileSystemId: fileSystemId } : {})) {
    out.push(...(page.FileSystems ?? []));
  }
  return out;
}

async function listMountTargets(client: EFSClient, fileSystemId: string): Promise<MountTargetDescription[]> {
  const { paginateDescribeMountTargets } = await import('@aws-sdk/client-efs');
  const out: MountTargetDescription[] = [];
  for await (const page of paginateDescribeMountTargets({ client }, { FileSystemId: fileSystemId })) {
    out.push(...(page.MountTargets ?? []));
  }
  return out;
}

/** The file system named by id, or the single one tagged for the cluster. */
export async function findFileSystem(client: EFSClient, efs: string, cluster: string): Promise<FileSystemDescription> {
  if (efs !== 'discover') {
    try {
      const [fs] = await listFileSystems(client, efs);
      if (fs) return fs;
    } catch (err) {
      if (awsErrorCode(err) !== 'FileSystemNotFound') throw err;
    }
    throw new HashinodeError('HN_E_EFS_NOT_FOUND', `EFS file system ${efs} does not exist in this account and region`, { details: { efs } });
  }
  const tagged = (await listFileSystems(client)).filter(
    (fs) => fs.LifeCycleState !== 'deleting' && fs.Tags?.some((t) => t.Key === CLUSTER_TAG && t.Value === cluster),
  );
  if (tagged.length === 0) {
    throw new HashinodeError('HN_E_EFS_NOT_FOUND', `no EFS file system has the tag ${CLUSTER_TAG}=${cluster}`, { details: { cluster } });
  }
  if (tagged.length > 1) {
    const ids = tagged.map((f) => f.FileSystemId).join(', ');
    throw new HashinodeError('HN_E_EFS_NOT_FOUND', `several EFS file systems have the tag ${CLUSTER_TAG}=${cluster} (${ids}): set hashinode:efs to one of them`, {
      details: { cluster, ids },
    });
  }
  return tagged[0]!;
}

/** What still stands between us and mounting, or the target when nothing does. */
export function readiness(
  fs: FileSystemDescription,
  targets: MountTargetDescription[],
  az: string,
  region: string,
): { ready: true; target: EfsTarget } | { ready: false; why: string } {
  const id = fs.FileSystemId ?? '';
  if (fs.LifeCycleState === 'error' || fs.LifeCycleState === 'deleted' || fs.LifeCycleState === 'deleting') {
    throw new HashinodeError('HN_E_EFS_NOT_READY', `EFS ${id} is ${fs.LifeCycleState}; it will not become available`);
  }
  if (fs.LifeCycleState !== 'available') return { ready: false, why: `EFS ${id} is ${fs.LifeCycleState}` };
  const inAz = targets.filter((t) => t.AvailabilityZoneName === az);
  const mt = inAz.find((t) => t.LifeCycleState === 'available' && t.IpAddress);
  if (!mt) {
    const states = inAz.map((t) => `${t.MountTargetId} ${t.LifeCycleState}`).join(', ');
    return { ready: false, why: `EFS ${id} has no available mount target in ${az}${states ? ` (${states})` : ''}` };
  }
  return {
    ready: true,
    target: {
      fileSystemId: id,
      region,
      availabilityZone: az,
      mountTargetId: mt.MountTargetId ?? '',
      mountTargetIp: mt.IpAddress!,
      mountTargetDns: mountTargetDns(az, id, region),
    },
  };
}

/**
 * Finds the file system and waits until it is available with a mount target in this instance's
 * AZ, reporting each state change through `onStatus`.
 */
export async function waitForEfs(opts: DiscoverOptions, deps: { clock: Clock; log: Log }): Promise<EfsTarget> {
  const client = await createEfsClient({
    region: opts.region,
    endpoint: opts.awsEndpoint,
    imdsEndpoint: opts.imdsEndpoint,
    credentials: opts.credentials,
    // One SDK attempt per call: the loop below retries on the injected clock.
    maxAttempts: 1,
    clock: deps.clock,
    log: deps.log,
  });
  const log = deps.log.child({ efs: opts.efs, cluster: opts.cluster });
  const timeoutMs = opts.timeoutMs ?? 15 * 60_000;
  const pollMs = opts.pollMs ?? 10_000;
  const deadline = deps.clock.monotonic() + timeoutMs;
  let last = '';
  const status = (s: EfsStatus) => {
    if (s.message === last) return;
    last = s.message;
    log.info({ state: s.state, fileSystemId: s.fileSystemId }, s.message);
    opts.onStatus?.(s);
  };
  let backoff = pollMs;
  let fileSystemId: string | undefined;
  try {
    for (;;) {
      let wait = pollMs;
      try {
        status({ state: 'finding', message: fileSystemId ? `checking EFS ${fileSystemId}` : opts.efs === 'discover' ? `looking for the EFS tagged ${CLUSTER_TAG}=${opts.cluster}` : `looking for EFS ${opts.efs}`, fileSystemId });
        const fs = await findFileSystem(client, fileSystemId ?? opts.efs, opts.cluster);
        fileSystemId = fs.FileSystemId;
        const targets = fs.LifeCycleState === 'available' ? await listMountTargets(client, fs.FileSystemId!) : [];
        const r = readiness(fs, targets, opts.availabilityZone, opts.region);
        if (r.ready) {
          status({ state: 'ready', message: `EFS ${r.target.fileSystemId} is available with mount target ${r.target.mountTargetId} in ${r.target.availabilityZone}`, fileSystemId });
          return r.target;
        }
        status({ state: 'waiting', message: `waiting: ${r.why}`, fileSystemId });
        backoff = pollMs;
      } catch (err) {
        if (isHashinodeError(err)) throw err;
        if (!isRetryableAwsError(err)) {
          throw new HashinodeError('HN_E_AWS_API', `EFS API at ${opts.awsEndpoint ?? `elasticfilesystem.${opts.region}`}: ${awsErrorCode(err) ?? ''} ${(err as Error).message}`.trim(), { cause: err });
        }
        backoff = Math.min(backoff * 2, 60_000);
        wait = backoff;
        status({ state: 'throttled', message: `EFS API busy (${awsErrorCode(err)}); retrying in ${Math.round(wait / 1000)} s`, fileSystemId });
      }
      wait = Math.round(wait * (0.8 + 0.4 * (opts.random ?? Math.random)()));
      if (deps.clock.monotonic() + wait > deadline) {
        throw new HashinodeError('HN_E_EFS_NOT_READY', `EFS ${fileSystemId ?? opts.efs} not ready after ${Math.round(timeoutMs / 1000)} s: ${last}`, {
          details: { efs: fileSystemId ?? opts.efs, availabilityZone: opts.availabilityZone },
        });
      }
      await deps.clock.sleep(wait);
    }
  } finally {
    client.destroy();
  }
}
