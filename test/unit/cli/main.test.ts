import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../agent/cli/registry.ts';
import { runCli, runMain } from '../../helpers/cli.ts';

describe('hashinode command line', () => {
  it('--help lists every command with its summary', async () => {
    const r = await runMain(['--help']);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c.name}\\s+${c.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  });

  it('every command has --help naming its usage, and its summary matches the registry', async () => {
    for (const entry of COMMANDS) {
      const { command } = await entry.load();
      expect(command.name).toBe(entry.name);
      expect(command.summary).toBe(entry.summary);
      const r = await runMain([entry.name, '--help']);
      expect(r.code, entry.name).toBe(0);
      expect(r.stdout).toContain(`Usage: hashinode ${entry.name}`);
      expect(r.stdout).toContain('--root DIR');
    }
  });

  it.each([
    [['bogus'], "unknown command 'bogus'"],
    [['version', '--no-such-flag'], "Unknown option '--no-such-flag'"],
    [['version', 'extra'], "unexpected argument 'extra'"],
    [['version', '--log-level', 'loud'], '--log-level must be one of'],
    [[], 'no command given'],
  ])('%j exits 2 with HN_E_USAGE and the usage', async (args, message) => {
    const r = await runMain(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('HN_E_USAGE');
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('Usage: hashinode');
    expect(r.stdout).toBe('');
  });

  it('version names hashinode, the Node version, platform and build kind', async () => {
    const r = await runMain(['version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`hashinode 0.1.0 (node ${process.version}, ${process.platform}-${process.arch}, node-script)\n`);
    const j = await runMain(['version', '--json']);
    expect(JSON.parse(j.stdout)).toEqual({
      version: '0.1.0',
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      singleExecutable: false,
    });
  });

  it('runs as a real process from the sources with the right exit codes', async () => {
    const ok = await runCli(['version']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^hashinode 0\.1\.0 \(node v24\.\d+\.\d+, linux-\w+, node-script\)\n$/);
    const bad = await runCli(['nope']);
    expect(bad.code).toBe(2);
  });
});
