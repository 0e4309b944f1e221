import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { HashinodeError } from '../core/errors.ts';

// Key and certificate files are written whole or not at all (temp file in the same directory,
// fsync, chmod, rename), and left untouched when their bytes and mode are already right, so a
// re-run changes nothing and restarts nothing.

export async function writeFileIfChanged(file: string, content: string | Buffer, mode: number, dirMode = 0o755): Promise<{ changed: boolean }> {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  try {
    const [current, info] = await Promise.all([readFile(file), stat(file)]);
    if (current.equals(bytes)) {
      if ((info.mode & 0o777) !== mode) {
        await chmod(file, mode);
        return { changed: true };
      }
      return { changed: false };
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw writeError(file, err);
  }
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true, mode: dirMode });
    const fh = await open(tmp, 'wx', mode);
    try {
      await fh.writeFile(bytes);
      await fh.chmod(mode);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw writeError(file, err);
  }
  return { changed: true };
}

/** Creates a file only if it does not exist yet (CA files are never silently replaced). */
export async function writeNewFile(file: string, content: string, mode: number): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    const fh = await open(file, 'wx', mode);
    try {
      await fh.writeFile(content);
      await fh.chmod(mode);
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new HashinodeError('HN_E_FILE_WRITE', `${file} already exists; refusing to overwrite it`, { cause: err });
    }
    throw writeError(file, err);
  }
}

function writeError(file: string, err: unknown): HashinodeError {
  return new HashinodeError('HN_E_FILE_WRITE', `cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
}
