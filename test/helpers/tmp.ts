import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

const created: string[] = [];

afterEach(async () => {
  while (created.length) await rm(created.pop()!, { recursive: true, force: true });
});

/** A fresh temp directory, removed after the current test. */
export async function tempDir(prefix = 'hashinode-'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}
