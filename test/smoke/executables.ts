import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from '../helpers/cli.ts';

export const DIST = path.join(REPO, 'dist');
export const PINNED_NODE = `v${(JSON.parse(readFileSync(path.join(REPO, 'packaging/node-binaries.json'), 'utf8')) as { version: string }).version}`;

/** Path of a built artifact; a missing build is a clear failure, not a skip. */
export function built(name: string): string {
  const file = path.join(DIST, name);
  if (!existsSync(file)) throw new Error(`${file} does not exist: run \`npm run build\` before the smoke tests`);
  return file;
}

export const QEMU = ['qemu-aarch64-static', '-L', '/usr/aarch64-linux-gnu'];

export function fileType(file: string): string {
  return execFileSync('file', ['-b', file], { encoding: 'utf8' });
}
