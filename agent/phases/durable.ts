import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { HashinodeError } from '../core/errors.ts';

// The agent's own state (journal, chosen secrets) must survive a SIGKILL or a power cut at any
// instant: a half-written journal would make a resumed run redo or skip the wrong step, and a lost
// secret after the ACL bootstrap call cannot be recovered. So: temp file in the same directory,
// fsync, rename, fsync the directory.

export async function writeDurable(file: string, data: string, mode = 0o600): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const handle = await open(tmp, 'wx', mode);
    try {
      await handle.writeFile(data);
      await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
    const dirHandle = await open(dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new HashinodeError('HN_E_FILE_WRITE', `cannot write ${file}: ${(err as Error).message}`, { cause: err, details: { path: file } });
  }
}

/** The file's text, or null when it does not exist. */
export async function readOptional(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new HashinodeError('HN_E_FILE_READ', `cannot read ${file}: ${(err as Error).message}`, { cause: err, details: { path: file } });
  }
}

/** Removes a file; true when something was removed. */
export async function removeIfPresent(file: string): Promise<boolean> {
  try {
    await rm(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new HashinodeError('HN_E_FILE_WRITE', `cannot remove ${file}: ${(err as Error).message}`, { cause: err, details: { path: file } });
  }
}
