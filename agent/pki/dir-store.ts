import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { MailboxStore } from './mailbox-types.ts';
import { writeFileIfChanged } from './write.ts';

// A mailbox store on a plain directory: what the shared store does, minus EFS concerns. Used by the
// `pki` tests and the bench; SharedStore satisfies the same interface on the real shared disk.

export class DirMailboxStore implements MailboxStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = path.resolve(dir);
  }

  private resolve(rel: string): string {
    const full = path.resolve(this.dir, rel);
    if (!full.startsWith(`${this.dir}${path.sep}`)) throw new Error(`path ${rel} escapes the store`);
    return full;
  }

  async publish(rel: string, data: string | Buffer, opts: { mode: number }): Promise<void> {
    await writeFileIfChanged(this.resolve(rel), data, opts.mode, 0o755);
  }

  async fetch(rel: string): Promise<Buffer | null> {
    try {
      return await readFile(this.resolve(rel));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async list(relDir: string): Promise<string[]> {
    try {
      return (await readdir(this.resolve(relDir))).filter((n) => !n.startsWith('.')).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }
}
