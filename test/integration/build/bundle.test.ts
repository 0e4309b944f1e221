import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BundleResult, bundle } from '../../../packaging/build/bundle.mjs';
import { COMMANDS } from '../../../agent/cli/registry.ts';
import { REPO, runCli, runMain } from '../../helpers/cli.ts';

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

let selfCheck: ReturnType<typeof runCli> | undefined;
/** `version --self-check --json` of the bundle, run once (it loads every chunk: seconds). */
const selfCheckReport = () => {
  selfCheck ??= run(['version', '--self-check', '--json']);
  return selfCheck;
};

const run = (args: string[]) => runCli(args, { bin: [process.execPath, path.join(dist, 'hashinode.cjs')], timeoutMs: 60_000 });

describe('the bundle (dist/hashinode.cjs)', () => {
  it('runs as a node script: version, bad command exit 2', async () => {
    const ok = await run(['version']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(`hashinode 0.1.0 (node ${process.version}, ${process.platform}-${process.arch}, node-script)\n`);
    expect((await run(['no-such-command'])).code).toBe(2);
  });

  it('keeps npm packages and command code out of the main script; each command is a chunk', () => {
    // Origins: agent/ modules, the entry, stubs and package.json; no npm package's code.
    for (const origin of Object.keys(result.main.byOrigin)) expect(origin).toMatch(/^(agent\/|hashinode-main\.js|hashinode-\w+:stubs|package\.json)$/);
    expect(mainScript).not.toContain('pino.stdTimeFunctions');
    const commandsInMain = result.mainModules.filter((m) => m.startsWith('agent/cli/'));
    expect(commandsInMain.sort()).toEqual(['agent/cli/command.ts', 'agent/cli/registry.ts', 'agent/cli/version.ts']);
    for (const c of COMMANDS.filter((c) => c.name !== 'version')) {
      expect(result.chunks.map((k) => k.name)).toContain(`agent-cli-${c.name}`);
    }
    expect(result.chunks.map((c) => c.name)).toContain('pino');
  });

  it('every command loads from its chunk: --help is the same as from the sources', async () => {
    for (const c of COMMANDS) {
      const [fromBundle, fromSources] = await Promise.all([run([c.name, '--help']), runMain([c.name, '--help'])]);
      expect(fromBundle.stderr, c.name).toBe('');
      expect(fromBundle.stdout, c.name).toBe(fromSources.stdout);
    }
  });

  it('an error thrown inside a command chunk keeps its code and exit status', async () => {
    const args = ['pki', 'inspect', '/nonexistent/hashinode-ca.pem'];
    const [fromBundle, fromSources] = await Promise.all([run(args), runMain(args)]);
    expect(fromSources.code).not.toBe(70);
    expect(fromBundle.code).toBe(fromSources.code);
    expect(fromBundle.stderr).toBe(fromSources.stderr);
  });

  it('loads every chunk on demand (version --self-check)', async () => {
    const r = await selfCheckReport();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { chunks: { chunk: string; ok: boolean }[]; embedded: string[] };
    expect(report.chunks.map((c) => c.chunk).sort()).toEqual(result.chunks.map((c) => c.name).sort());
    expect(report.chunks.every((c) => c.ok)).toBe(true);
  });

  it('embeds the systemd unit and the config templates byte for byte', async () => {
    const r = await selfCheckReport();
    const { embedded } = JSON.parse(r.stdout) as { embedded: string[] };
    expect(embedded).toContain('systemd/hashinode.service');
    expect(embedded.sort()).toEqual([...result.embedded].sort());
    const unit = readFileSync(path.join(REPO, 'systemd/hashinode.service'), 'utf8');
    expect(mainScript).toContain(JSON.stringify(JSON.stringify(unit)).slice(3, 200));
  });
});
