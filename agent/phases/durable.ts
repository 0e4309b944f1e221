import { readFile, rm } from 'node:fs/promises';
import { HashinodeError } from '../core/errors.ts';
import { writeFileAtomic } from '../render/writer.ts';

// The agent's own state (journal, chosen secrets) must survive a SIGKILL or a power cut at any
// instant: a half-written journal would make a resumed run redo or skip the wrong step, and a lost
// secret after the ACL bootstrap call cannot be recovered. So every write goes through the atomic
// writer: temp file in the same directory, fsync, rename, fsync the directory.

export async function writeDurable(file: string, data: string, mode = 0o600): Promise<void> {
  // The agent's own state (journal, secrets) lives in directories only root may read.
  await writeFileAtomic(file, data, { mode, root: '/', dirMode: 0o700 });
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
