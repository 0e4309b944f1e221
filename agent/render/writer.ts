import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import path from 'node:path';
import { HashinodeError } from '../core/errors.ts';
import { resolveOwner } from './owners.ts';

// Atomic, idempotent file writes: a temp file in the same directory (same filesystem, so rename is
// atomic), written in full, fsynced, given its mode and owner, renamed over the target, then the
// directory fsynced so the rename survives a crash. Readers see the old file or the new one, never
// half of either. Identical bytes are not rewritten (mtime unchanged), so callers restart a
// service only when its inputs really changed.

export interface WriterHandle {
  writeAll(data: Buffer): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface WriterStat {
  mode: number;
  uid: number;
  gid: number;
  isSymbolicLink(): boolean;
  isDirectory(): boolean;
}

/** The file operations the writer uses: tests substitute one to simulate ENOSPC and friends. */
export interface WriterFs {
  open(file: string, flags: string, mode?: number): Promise<WriterHandle>;
  readFile(file: string): Promise<Buffer>;
  /** lstat: a symlink is reported as itself. */
  lstat(file: string): Promise<WriterStat>;
  mkdir(dir: string, options: { recursive: boolean; mode: number }): Promise<unknown>;
  chmod(file: string, mode: number): Promise<void>;
  chown(file: string, uid: number, gid: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(file: string): Promise<void>;
}

export const nodeWriterFs: WriterFs = {
  async open(file, flags, mode) {
    const handle = await fsp.open(file, flags, mode);
    return {
      writeAll: async (data) => {
        await handle.writeFile(data);
      },
      sync: () => handle.sync(),
      close: () => handle.close(),
    };
  },
  readFile: (file) => fsp.readFile(file),
  lstat: (file) => fsp.lstat(file),
  mkdir: (dir, options) => fsp.mkdir(dir, options),
  chmod: (file, mode) => fsp.chmod(file, mode),
  chown: (file, uid, gid) => fsp.chown(file, uid, gid),
  rename: (from, to) => fsp.rename(from, to),
  unlink: (file) => fsp.unlink(file),
};

export interface WriteOptions {
  mode: number;
  owner?: string;
  group?: string;
  /** Filesystem root whose etc/passwd and etc/group name the owners. */
  root: string;
  fs?: WriterFs;
  /** chown for real (default: only when running as uid 0; otherwise owners are only checked to exist). */
  applyOwnership?: boolean;
  /** Mode of parent directories the write creates (default 0755; 0700 for secret stores). */
  dirMode?: number;
}

function errnoOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

function writeError(file: string, step: string, err: unknown): HashinodeError {
  const code = errnoOf(err);
  const hint = code === 'ENOSPC' ? ' (disk full)' : code === 'EACCES' || code === 'EPERM' ? ' (permission denied)' : code === 'EROFS' ? ' (read-only filesystem)' : '';
  return new HashinodeError('HN_E_FILE_WRITE', `cannot write ${file}: ${step} failed: ${(err as Error)?.message ?? String(err)}${hint}; the old file is untouched`, {
    cause: err,
    details: { file, step, errno: code },
  });
}

export function runningAsRoot(): boolean {
  return process.getuid?.() === 0;
}

async function fixMetadata(fs: WriterFs, file: string, mode: number, ids: { uid: number; gid: number } | undefined, stat: WriterStat): Promise<void> {
  try {
    if ((stat.mode & 0o7777) !== mode) await fs.chmod(file, mode);
    if (ids && (stat.uid !== ids.uid || stat.gid !== ids.gid)) await fs.chown(file, ids.uid, ids.gid);
  } catch (err) {
    throw writeError(file, 'chmod/chown', err);
  }
}

/** Writes `content` to `file` atomically unless it already holds exactly these bytes. */
export async function writeFileAtomic(file: string, content: string | Buffer, opts: WriteOptions): Promise<{ changed: boolean }> {
  const fs = opts.fs ?? nodeWriterFs;
  const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const apply = opts.applyOwnership ?? runningAsRoot();
  const ids = opts.owner ? await resolveOwner(opts.root, opts.owner, opts.group ?? opts.owner, file) : undefined;
  const chownIds = apply ? ids : undefined;

  let stat: WriterStat | undefined;
  try {
    stat = await fs.lstat(file);
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw writeError(file, 'lstat', err);
  }
  if (stat?.isDirectory()) throw writeError(file, 'lstat', new Error('the path is a directory'));
  if (stat && !stat.isSymbolicLink()) {
    let existing: Buffer | undefined;
    try {
      existing = await fs.readFile(file);
    } catch (err) {
      throw new HashinodeError('HN_E_FILE_READ', `cannot read ${file}: ${(err as Error).message}`, { cause: err, details: { file } });
    }
    if (existing.equals(data)) {
      await fixMetadata(fs, file, opts.mode, chownIds, stat);
      return { changed: false };
    }
  }

  const dir = path.dirname(file);
  try {
    await fs.mkdir(dir, { recursive: true, mode: opts.dirMode ?? 0o755 });
  } catch (err) {
    throw writeError(file, 'mkdir', err);
  }
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let created = false;
  try {
    // 0600 until chmod: the content may be a secret and the final mode may be wider.
    const handle = await fs.open(tmp, 'wx', 0o600);
    created = true;
    try {
      await handle.writeAll(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.chmod(tmp, opts.mode);
    if (chownIds) await fs.chown(tmp, chownIds.uid, chownIds.gid);
    await fs.rename(tmp, file);
    created = false;
  } catch (err) {
    if (created) await fs.unlink(tmp).catch(() => undefined);
    throw writeError(file, created ? 'writing the temp file' : 'creating the temp file', err);
  }
  await syncDir(fs, dir);
  return { changed: true };
}

async function syncDir(fs: WriterFs, dir: string): Promise<void> {
  // Makes the rename durable. Some filesystems refuse fsync on a directory; the data is already safe.
  try {
    const handle = await fs.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort
  }
}

/** Creates `dir` (and missing parents, 0755) and gives it `mode` and owner; idempotent. */
export async function ensureDir(dir: string, opts: WriteOptions): Promise<{ changed: boolean }> {
  const fs = opts.fs ?? nodeWriterFs;
  const apply = opts.applyOwnership ?? runningAsRoot();
  const ids = opts.owner ? await resolveOwner(opts.root, opts.owner, opts.group ?? opts.owner, dir) : undefined;
  let stat: WriterStat | undefined;
  try {
    stat = await fs.lstat(dir);
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw writeError(dir, 'lstat', err);
  }
  let changed = false;
  if (!stat) {
    try {
      await fs.mkdir(path.dirname(dir), { recursive: true, mode: 0o755 });
      await fs.mkdir(dir, { recursive: false, mode: opts.mode });
      stat = await fs.lstat(dir);
    } catch (err) {
      throw writeError(dir, 'mkdir', err);
    }
    changed = true;
  } else if (!stat.isDirectory()) {
    throw writeError(dir, 'mkdir', new Error('the path exists and is not a directory'));
  }
  const before = `${stat.mode & 0o7777}:${stat.uid}:${stat.gid}`;
  await fixMetadata(fs, dir, opts.mode, apply ? ids : undefined, stat);
  if (!changed) {
    const after = await fs.lstat(dir);
    changed = `${after.mode & 0o7777}:${after.uid}:${after.gid}` !== before;
  }
  return { changed };
}
