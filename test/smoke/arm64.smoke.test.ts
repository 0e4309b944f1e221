import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { built, fileType, PINNED_NODE, QEMU } from './executables.ts';

// The AMI is ARM64 (Graviton): this is the executable that ships. It runs here under qemu user
// emulation with the arm64 C/C++ runtime from the Debian cross packages.

const run = (args: string[]) => runCli(args, { bin: [...QEMU, built('hashinode-linux-arm64')], timeoutMs: 170_000 });

describe('dist/hashinode-linux-arm64', () => {
  it('is an ARM aarch64 ELF executable', () => {
    expect(fileType(built('hashinode-linux-arm64'))).toMatch(/^ELF 64-bit LSB executable, ARM aarch64/);
  });

  it('reports linux-arm64 and single-executable under qemu', async () => {
    const r = await run(['version']);
    expect(r).toEqual({ code: 0, stdout: `hashinode 0.1.0 (node ${PINNED_NODE}, linux-arm64, single-executable)\n`, stderr: '' });
  });

  it('exits 2 on an unknown command', async () => {
    expect((await run(['no-such-command'])).code).toBe(2);
  });

  it('loads every embedded chunk (version --self-check)', async () => {
    const r = await run(['version', '--self-check', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { chunks: { chunk: string; ok: boolean }[]; embedded: string[] };
    expect(report.chunks.length).toBeGreaterThan(0);
    expect(report.chunks.filter((c) => !c.ok)).toEqual([]);
    expect(report.embedded).toContain('systemd/hashinode.service');
  });
});
