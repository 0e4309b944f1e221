import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BundleResult, bundle } from '../../../packaging/build/bundle.mjs';
import { REPO, runCli } from '../../helpers/cli.ts';

// The esbuild step of `npm run build`, into a temp dir: the bundle must run on plain Node, keep the
// heavy libraries out of its main script, and load them from chunks on demand. (The single
// executables made from it are checked by test/smoke after `npm run build`.)

let dist: string;
let result: BundleResult;
let mainScript: string;

beforeAll(async () => {
  // Shared by every test of the file (tempDir() would remove it after the first one).
  dist = mkdtempSync(path.join(tmpdir(), 'hashinode-bundle-'));
  result = await bundle(REPO, dist, () => {});
  mainScript = readFileSync(path.join(dist, 'hashinode.cjs'), 'utf8');
}, 120_000);

afterAll(() => rmSync(dist, { recursive: true, force: true }));

const run = (args: string[]) => runCli(args, { bin: [process.execPath, path.join(dist, 'hashinode.cjs')], timeoutMs: 60_000 });

describe('the bundle (dist/hashinode.cjs)', () => {
  it('runs as a node script: version, bad command exit 2', async () => {
    const ok = await run(['version']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(`hashinode 0.1.0 (node ${process.version}, ${process.platform}-${process.arch}, node-script)\n`);
    expect((await run(['no-such-command'])).code).toBe(2);
  });

  it('keeps every heavy library out of the main script and bundles it as a chunk', () => {
    expect(result.chunks.map((c) => c.name)).toContain('pino');
    for (const origin of Object.keys(result.main.byOrigin)) expect(origin).not.toMatch(/^(@aws-sdk|@smithy|@peculiar|hcl2-parser|chokidar|pino)/);
    // pino's own code would carry this string; the stub only names the chunk.
    expect(mainScript).not.toContain('pino.stdTimeFunctions');
  });

  it('loads every chunk on demand (version --self-check)', async () => {
    const r = await run(['version', '--self-check', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { chunks: { chunk: string; ok: boolean }[]; embedded: string[] };
    expect(report.chunks.map((c) => c.chunk).sort()).toEqual(result.chunks.map((c) => c.name).sort());
    expect(report.chunks.every((c) => c.ok)).toBe(true);
  });

  it('embeds the systemd unit and the config templates byte for byte', async () => {
    const r = await run(['version', '--self-check', '--json']);
    const { embedded } = JSON.parse(r.stdout) as { embedded: string[] };
    expect(embedded).toContain('systemd/hashinode.service');
    expect(embedded.sort()).toEqual([...result.embedded].sort());
    const unit = readFileSync(path.join(REPO, 'systemd/hashinode.service'), 'utf8');
    expect(mainScript).toContain(JSON.stringify(JSON.stringify(unit)).slice(3, 200));
  });
});
