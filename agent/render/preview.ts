import { readFile } from 'node:fs/promises';
import type { Paths } from '../core/paths.ts';
import { unifiedDiff } from './diff.ts';
import type { RenderedFile } from './node-config.ts';

// What a render would change, without writing: compares each rendered file with the bytes on disk.
// Diffs of secret files are never shown (they would print the key); only that they change.

export interface Preview {
  path: string;
  changed: boolean;
  /** Unified diff, or a one-line notice for secret files. */
  diff: string;
}

async function current(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export async function previewChanges(files: readonly RenderedFile[], paths: Paths): Promise<Preview[]> {
  const out: Preview[] = [];
  for (const file of files) {
    const before = await current(paths.host(file.path));
    const changed = before !== file.content;
    let diff = '';
    if (changed && file.secret) {
      diff = `--- ${file.path}\n+++ ${file.path}\n(secret file ${before === undefined ? 'created' : 'changed'}: contents not shown)\n`;
    } else if (changed) {
      diff = unifiedDiff(before ?? '', file.content, {
        fromFile: before === undefined ? '/dev/null' : `a${file.path}`,
        toFile: `b${file.path}`,
      });
    }
    out.push({ path: file.path, changed, diff });
  }
  return out;
}
