import { mkdir, readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Deps } from '../core/deps.ts';
import { HashinodeError } from '../core/errors.ts';
import { createFileExclusive, readFileFresh, replaceFile } from './atomic.ts';
import { sharedUnavailable } from './shared-dir.ts';
import { type WatchEvent, type Watching, type WatchOptions, watchPath } from './watch.ts';

// The cluster's files on the shared disk (`<shared>/hashinode/<cluster>/`): published by one node,
// fetched by the others. Publishing never exposes a half-written file; fetching goes through open()
// so NFS revalidates; watching polls, since other clients' writes raise no inotify event here.

export interface PublishOptions {
  /** File mode (default 0644). Secrets are never published in plaintext, whatever the mode. */
  mode?: number;
  /**
   * Create only: the file appears with its full content at once, or `{created: false}` is
   * returned when it already exists. Use it for what must be made once
   * (a CA), so two holders of successive terms can never both write it.
   */
  exclusive?: boolean;
}

export class SharedStore {
  readonly dir: string;
  private readonly deps: Pick<Deps, 'log'>;

  /** `dir` is `<shared>/hashinode/<cluster>`. */
  constructor(dir: string, deps: Pick<Deps, 'log'>) {
    this.dir = path.resolve(dir);
    this.deps = deps;
  }

  /** Absolute path of `rel`, refusing anything that would leave the store. */
  resolve(rel: string): string {
    const full = path.resolve(this.dir, rel);
    if (full !== this.dir && !full.startsWith(this.dir + path.sep)) {
      throw new HashinodeError('HN_E_INTERNAL', `shared store path '${rel}' leaves ${this.dir}`);
    }
    return full;
  }

  /** Writes `rel` atomically (temp + fsync + rename + fsync dir). Returns whether it was written. */
  async publish(rel: string, data: string | Buffer, options: PublishOptions = {}): Promise<{ created: boolean }> {
    const file = this.resolve(rel);
    const mode = options.mode ?? 0o644;
    try {
      await mkdir(path.dirname(file), { recursive: true });
      if (options.exclusive) {
        const created = await createFileExclusive(file, data, mode);
        this.deps.log.debug({ file, created }, 'published exclusively');
        return { created };
      }
      await replaceFile(file, data, mode);
      this.deps.log.debug({ file }, 'published');
      return { created: true };
    } catch (err) {
      throw sharedUnavailable(this.dir, err, `publishing ${file}`);
    }
  }

  /** The bytes of `rel`, or null when it does not exist. */
  async fetch(rel: string): Promise<Buffer | null> {
    const file = this.resolve(rel);
    try {
      return await readFileFresh(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
      throw sharedUnavailable(this.dir, err, `reading ${file}`);
    }
  }

  /** Names in `relDir` (sorted, temp files left out); [] when the directory does not exist. */
  async list(relDir = '.'): Promise<string[]> {
    const dir = this.resolve(relDir);
    try {
      const names = await readdir(dir);
      return names.filter((n) => !/^\..*\.tmp$/.test(n)).sort();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return [];
      throw sharedUnavailable(this.dir, err, `listing ${dir}`);
    }
  }

  /** Removes `rel`; true when it existed. Idempotent: a second call (or another node's) is fine. */
  async remove(rel: string): Promise<boolean> {
    const file = this.resolve(rel);
    try {
      await unlink(file);
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return false;
      throw sharedUnavailable(this.dir, err, `removing ${file}`);
    }
  }

  /**
   * Calls `onChange(event, relPath)` when `rel` (a file or a directory tree) changes, by polling
   * every `intervalMs` (default 2 s). Await `ready` on the result before relying on events.
   */
  async watch(rel: string, onChange: (event: WatchEvent, rel: string) => void, options: WatchOptions = {}): Promise<Watching> {
    const target = this.resolve(rel);
    return watchPath(target, (event, file) => onChange(event, path.relative(this.dir, file)), options);
  }
}
