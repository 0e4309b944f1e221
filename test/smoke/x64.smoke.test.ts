import { copyFileSync, linkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../agent/cli/registry.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { built, fileType, PINNED_NODE } from './executables.ts';

const exe = () => built('hashinode-linux-x64');
const run = (args: string[], bin = exe()) => runCli(args, { bin: [bin], timeoutMs: 60_000 });

describe('dist/hashinode-linux-x64', () => {
  it('is an x86-64 ELF executable', () => {
    expect(fileType(exe())).toMatch(/^ELF 64-bit LSB executable, x86-64/);
  });

  it('version names the pinned Node, linux-x64 and single-executable', async () => {
    const r = await run(['version']);
    expect(r).toEqual({ code: 0, stdout: `hashinode 0.1.0 (node ${PINNED_NODE}, linux-x64, single-executable)\n`, stderr: '' });
    const j = await run(['version', '--json']);
    expect(JSON.parse(j.stdout)).toMatchObject({ platform: 'linux-x64', singleExecutable: true, node: PINNED_NODE });
  });

  it('--help lists every command', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toContain(`  ${c.name}`);
  });

  it('an unknown command exits 2 with the usage', async () => {
    const r = await run(['no-such-command']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("HN_E_USAGE: unknown command 'no-such-command'");
    expect(r.stderr).toContain('Usage: hashinode');
  });

  it('works alone: copied to an empty directory it loads every chunk and carries the unit file', async () => {
    const dir = await tempDir();
    const alone = path.join(dir, 'hashinode');
    try {
      linkSync(exe(), alone);
    } catch {
      copyFileSync(exe(), alone);
    }
    const r = await run(['version', '--self-check', '--json'], alone);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { chunks: { chunk: string; ok: boolean }[]; embedded: string[] };
    expect(report.chunks.map((c) => c.chunk)).toContain('pino');
    expect(report.chunks.filter((c) => !c.ok)).toEqual([]);
    expect(report.embedded).toContain('systemd/hashinode.service');
  });
});

describe('dist/hashinode.cjs', () => {
  it('runs on plain Node as a node script', async () => {
    const r = await runCli(['version'], { bin: [process.execPath, built('hashinode.cjs')] });
    expect(r.stdout).toBe(`hashinode 0.1.0 (node ${process.version}, linux-x64, node-script)\n`);
  });
});
