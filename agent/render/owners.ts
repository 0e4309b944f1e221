import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { HashinodeError } from '../core/errors.ts';

// Owners are resolved by name from the root's own /etc/passwd and /etc/group, not through the
// host's NSS: under --root (tests, image builds) the files describe the target system, and on a
// real node the service users come from the distribution packages, which write these files.

export interface Ids {
  uid: number;
  gid: number;
}

async function readDb(root: string, file: string): Promise<string> {
  const full = path.join(root, file);
  try {
    return await readFile(full, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw new HashinodeError('HN_E_FILE_READ', `cannot read ${full}: ${(err as Error).message}`, { cause: err });
  }
}

/** Field 3 of the line whose first field is `name` (uid in passwd, gid in group). */
function idOf(db: string, name: string): number | undefined {
  for (const line of db.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === name && fields.length >= 3 && /^\d+$/.test(fields[2]!)) return Number(fields[2]);
  }
  return undefined;
}

/** uid of `owner` and gid of `group`; HN_E_OWNER_UNKNOWN naming the missing one and the file. */
export async function resolveOwner(root: string, owner: string, group: string, forFile: string): Promise<Ids> {
  const [passwd, groups] = await Promise.all([readDb(root, 'etc/passwd'), readDb(root, 'etc/group')]);
  const uid = idOf(passwd, owner);
  if (uid === undefined) {
    throw new HashinodeError('HN_E_OWNER_UNKNOWN', `${forFile} must belong to user '${owner}', which is not in ${path.join(root, 'etc/passwd')} (is the ${owner} package installed?)`, {
      details: { file: forFile, user: owner },
    });
  }
  const gid = idOf(groups, group);
  if (gid === undefined) {
    throw new HashinodeError('HN_E_OWNER_UNKNOWN', `${forFile} must belong to group '${group}', which is not in ${path.join(root, 'etc/group')}`, {
      details: { file: forFile, group },
    });
  }
  return { uid, gid };
}
