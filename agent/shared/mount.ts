import { access, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Deps } from '../core/deps.ts';
import { HashinodeError } from '../core/errors.ts';
import type { EfsTarget } from './discover.ts';

// Mounting the shared disk, idempotently: what the kernel lists in /proc/mounts is the truth, so a
// second boot, a restarted agent or an operator's own mount all mean "nothing to do". amazon-efs-utils
// (`mount.efs`) is preferred when installed: it adds TLS in transit and IAM authorization. Without
// it, plain NFS 4.1 with the options AWS recommends for EFS.

/** The options AWS documents for mounting EFS with the plain NFS client. */
export const NFS_OPTIONS = 'nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport';
export const MOUNT_EFS_HELPERS = ['/sbin/mount.efs', '/usr/sbin/mount.efs', '/usr/bin/mount.efs', '/bin/mount.efs'];

export interface MountEntry {
  source: string;
  target: string;
  fstype: string;
  options: string;
}

/** /proc/mounts escapes space, tab, newline and backslash as octal (`\040`). */
function unescapeMount(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));
}

export function parseProcMounts(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4) continue;
    out.push({ source: unescapeMount(f[0]!), target: unescapeMount(f[1]!), fstype: f[2]!, options: f[3]! });
  }
  return out;
}

/** The mount on `dir`, if any (the last one wins, as the kernel stacks mounts). */
export function mountAt(entries: MountEntry[], dir: string): MountEntry | undefined {
  const want = path.resolve(dir);
  return entries.filter((e) => path.resolve(e.target) === want).at(-1);
}

export interface MountCommand {
  file: string;
  args: string[];
}

/** The mount commands to try, in order: efs-utils; else NFS by the AZ's DNS name, then by IP. */
export function mountCommands(target: EfsTarget, dir: string, hasMountEfs: boolean): MountCommand[] {
  if (hasMountEfs) return [{ file: 'mount', args: ['-t', 'efs', '-o', 'tls,iam', `${target.fileSystemId}:/`, dir] }];
  return [
    { file: 'mount', args: ['-t', 'nfs4', '-o', NFS_OPTIONS, `${target.mountTargetDns}:/`, dir] },
    // The AZ name needs the VPC's DNS; the mount target's address works without it.
    { file: 'mount', args: ['-t', 'nfs4', '-o', NFS_OPTIONS, `${target.mountTargetIp}:/`, dir] },
  ];
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

async function readMounts(deps: Pick<Deps, 'paths'>): Promise<MountEntry[]> {
  const file = deps.paths.host('/proc/mounts');
  try {
    return parseProcMounts(await readFile(file, 'utf8'));
  } catch (err) {
    throw new HashinodeError('HN_E_MOUNT', `cannot read ${file} to see what is mounted`, { cause: err });
  }
}

/**
 * Mounts the file system on `dir` unless something is mounted there already.
 * `dir` is a real path (under the root in tests), as the kernel lists it in /proc/mounts.
 */
export async function mountShared(target: EfsTarget, dir: string, deps: Pick<Deps, 'paths' | 'exec' | 'log'>): Promise<{ changed: boolean }> {
  const log = deps.log.child({ fileSystemId: target.fileSystemId, dir });
  const current = mountAt(await readMounts(deps), dir);
  if (current) {
    log.debug({ source: current.source, fstype: current.fstype }, 'shared disk already mounted');
    return { changed: false };
  }
  await mkdir(dir, { recursive: true });
  let hasMountEfs = false;
  for (const helper of MOUNT_EFS_HELPERS) if (await exists(deps.paths.host(helper))) hasMountEfs = true;
  const failures: string[] = [];
  for (const cmd of mountCommands(target, dir, hasMountEfs)) {
    const r = await deps.exec.run(cmd.file, cmd.args, { timeoutMs: 120_000 });
    if (r.code === 0) {
      const now = mountAt(await readMounts(deps), dir);
      if (!now) throw new HashinodeError('HN_E_MOUNT', `${cmd.file} ${cmd.args.join(' ')} succeeded but ${dir} is not in /proc/mounts`);
      log.info({ source: now.source, fstype: now.fstype }, 'mounted the shared disk');
      return { changed: true };
    }
    failures.push(`${cmd.file} ${cmd.args.join(' ')}: exit ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
    log.warn({ args: cmd.args, code: r.code, stderr: r.stderr.trim() }, 'mount attempt failed');
  }
  throw new HashinodeError('HN_E_MOUNT', `cannot mount EFS ${target.fileSystemId} on ${dir}: ${failures.join('; ')}`, {
    details: { fileSystemId: target.fileSystemId, dir },
  });
}
