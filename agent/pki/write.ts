import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { HashinodeError } from '../core/errors.ts';
import { writeFileAtomic } from '../render/writer.ts';

// Key and certificate files are written whole or not at all (temp file in the same directory,
// fsync, chmod, rename), and left untouched when their bytes and mode are already right, so a
// re-run changes nothing and restarts nothing.

export async function writeFileIfChanged(file: string, content: string | Buffer, mode: number, dirMode = 0o755): Promise<{ changed: boolean }> {
  return writeFileAtomic(file, content, { mode, root: '/', dirMode });
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
