import { randomBytes } from 'node:crypto';
import { link, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

// Shared-disk writes never expose a half-written file: the bytes go to a temp file in the same
// directory (same file system, so rename is atomic), are fsynced, then renamed over the target.
// On NFS a rename is one server operation, so another client's open() sees the old file or the new
// one, never a mix. The directory is fsynced afterwards so the rename itself survives a crash.

export function tempNameFor(target: string): string {
  const dir = path.dirname(target);
  return path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

export async function writeTemp(target: string, data: string | Buffer, mode: number): Promise<string> {
  const tmp = tempNameFor(target);
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(data);
    await fh.chmod(mode); // the umask may have narrowed the mode given to open()
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await fh.close();
  return tmp;
}

export async function syncDir(dir: string): Promise<void> {
  // Best effort: some file systems refuse fsync on a directory, and the rename already happened.
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // ignored on purpose
  }
}

/** temp + fsync + rename (+ fsync dir): readers see the old bytes or the new ones. */
export async function replaceFile(target: string, data: string | Buffer, mode: number): Promise<void> {
  const tmp = await writeTemp(target, data, mode);
  try {
    await rename(tmp, target);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await syncDir(path.dirname(target));
}

/**
 * temp + fsync + link: creates `target` with its full content at once, or fails with EEXIST when it
 * exists. link() is atomic on the NFS server, like O_EXCL, and unlike open('wx') + write no reader
 * can ever see the file empty.
 */
export async function createFileExclusive(target: string, data: string | Buffer, mode: number): Promise<boolean> {
  const tmp = await writeTemp(target, data, mode);
  try {
    await link(tmp, target);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(tmp).catch(() => {});
    await syncDir(path.dirname(target));
  }
}

/** Reads a whole file through open(): on NFS, open() revalidates (close-to-open), a bare stat may not. */
export async function readFileFresh(file: string): Promise<Buffer | null> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}
