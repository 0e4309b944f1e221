import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { STANDIN_BIN } from '../../fakes/standins/spawn.ts';

// The stand-ins as programs: invoked like the real binaries, they exit non-zero with the real
// agent's message on a bad config, and accept the configs the repository renders (goldens).

const bin = (p: string) => [path.join(STANDIN_BIN, p)];
const GOLDEN = path.resolve(import.meta.dirname, '../../fixtures/render/golden');

async function configDir(file: string, text: string): Promise<string> {
  const dir = path.join(await tempDir('standin-cli-'), 'conf.d');
  mkdirSync(dir);
  writeFileSync(path.join(dir, file), text);
  return dir;
}

describe('stand-in command lines', () => {
  it('consul validate refuses an unknown key, naming the file and the key', async () => {
    const dir = await configDir('consul.hcl', 'data_dir = "/opt/consul"\nserver = true\nbootstrap_expct = 3\n');
    const r = await runCli(['validate', dir], { bin: bin('consul'), timeoutMs: 30_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Config validation failed: failed to parse ${dir}/consul.hcl: 1 error occurred:`);
    expect(r.stderr).toContain('* invalid config key bootstrap_expct');
  }, 40_000);

  it('consul agent exits 1 with "==>" and the reason on an invalid combination', async () => {
    const dir = await configDir('consul.hcl', 'data_dir = "/tmp/x"\nserver = true\nbootstrap = true\nbootstrap_expect = 3\n');
    const r = await runCli(['agent', `-config-dir=${dir}`], { bin: bin('consul'), timeoutMs: 30_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("==> 'bootstrap_expect > 0' and 'bootstrap = true' are mutually exclusive\n");
  }, 40_000);

  it('nomad config validate refuses unexpected keys', async () => {
    const dir = await configDir('nomad.hcl', 'data_dir = "/opt/nomad"\nserver {\n  enabled = true\n  bootstrap_expected = 3\n}\n');
    const r = await runCli(['config', 'validate', dir], { bin: bin('nomad'), timeoutMs: 30_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('server unexpected keys bootstrap_expected');
  }, 40_000);

  const goldens = existsSync(GOLDEN) ? readdirSync(GOLDEN) : [];
  it.each(goldens.flatMap((g) => ['consul', 'nomad'].filter((s) => existsSync(path.join(GOLDEN, g, 'etc', `${s}.d`))).map((s) => [g, s])))(
    'accepts the rendered %s %s config',
    async (golden, service) => {
      const dir = path.join(GOLDEN, golden!, 'etc', `${service}.d`);
      const args = service === 'consul' ? ['validate', dir] : ['config', 'validate', dir];
      const r = await runCli(args, { bin: bin(service!), timeoutMs: 30_000 });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Configuration is valid!');
    },
    40_000,
  );
});
