import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { flavorOf } from '../../../agent/cli/hcl.ts';
import { runCli, runMain } from '../../helpers/cli.ts';
import { tempDir } from '../../helpers/tmp.ts';

// `hashinode hcl json|get|set|phase|check`: results on stdout, --in-place writes atomically and
// keeps the mode, errors exit with their table codes.

const CONSUL = 'server = true\nbootstrap_expect = 3\nacl {\n  default_policy = "deny" # strict\n}\nretry_join = ["a"]\n';

async function file(name: string, content: string): Promise<string> {
  const p = path.join(await tempDir(), name);
  await writeFile(p, content);
  return p;
}

describe('hashinode hcl', () => {
  it('json prints the projection', async () => {
    const f = await file('consul.hcl', CONSUL);
    const r = await runMain(['hcl', 'json', f]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ server: true, bootstrap_expect: 3, acl: [{ default_policy: 'deny' }], retry_join: ['a'] });
  });

  it('json --oracle prints hcl2-parser\'s projection of the same file', async () => {
    const f = await file('consul.hcl', CONSUL);
    const ours = await runMain(['hcl', 'json', f]);
    const theirs = await runMain(['hcl', 'json', '--oracle', f]);
    expect(JSON.parse(theirs.stdout)).toEqual(JSON.parse(ours.stdout));
  });

  it('get prints a string bare, anything else (or with --json) as JSON', async () => {
    const f = await file('consul.hcl', CONSUL);
    expect((await runMain(['hcl', 'get', f, 'acl.default_policy'])).stdout).toBe('deny\n');
    expect((await runMain(['hcl', 'get', '--json', f, 'acl.default_policy'])).stdout).toBe('"deny"\n');
    expect((await runMain(['hcl', 'get', f, 'retry_join'])).stdout).toBe('["a"]\n');
  });

  it('get of a missing path exits with HN_E_HCL_EDIT (13)', async () => {
    const f = await file('consul.hcl', CONSUL);
    const r = await runMain(['hcl', 'get', f, 'acl.tokens']);
    expect(r.code).toBe(13);
    expect(r.stderr).toContain('HN_E_HCL_EDIT');
  });

  it('set prints the edited text and leaves the file alone', async () => {
    const f = await file('consul.hcl', CONSUL);
    const r = await runMain(['hcl', 'set', f, 'bootstrap_expect', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(CONSUL.replace('= 3', '= 1'));
    expect(await readFile(f, 'utf8')).toBe(CONSUL);
  });

  it('set --in-place replaces the file and keeps its mode', async () => {
    const f = await file('consul.hcl', CONSUL);
    await chmod(f, 0o640);
    const r = await runMain(['hcl', 'set', '--in-place', '--json', f, 'acl.default_policy', '"allow"']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ file: f, changed: true });
    expect(await readFile(f, 'utf8')).toBe(CONSUL.replace('"deny"', '"allow"'));
    expect((await stat(f)).mode & 0o777).toBe(0o640);
  });

  it('phase bootstrap --in-place then phase revert --in-place restores the file exactly', async () => {
    const f = await file('consul.hcl', CONSUL);
    expect((await runMain(['hcl', 'phase', 'bootstrap', '--in-place', f])).code).toBe(0);
    const edited = await readFile(f, 'utf8');
    expect(edited).toContain('bootstrap_expect = 1 # hashinode:bootstrap-set');
    expect(edited).toContain('# hashinode:bootstrap retry_join = ["a"]');
    expect((await runMain(['hcl', 'phase', 'revert', '--in-place', f])).code).toBe(0);
    expect(await readFile(f, 'utf8')).toBe(CONSUL);
  });

  it('phase picks the nomad edits from the file or directory name, or --flavor', async () => {
    const text = 'server {\n  bootstrap_expect = 3\n}\nbootstrap_expect = 3\n';
    const f = await file('nomad.hcl', text);
    expect((await runMain(['hcl', 'phase', 'bootstrap', f])).stdout).toContain('  bootstrap_expect = 1 # hashinode:bootstrap-set');
    expect((await runMain(['hcl', 'phase', 'bootstrap', '--flavor', 'consul', f])).stdout).toContain('\nbootstrap_expect = 1 # hashinode:bootstrap-set');
    expect(flavorOf('/etc/nomad.d/server.hcl', undefined)).toBe('nomad');
    expect(flavorOf('/etc/consul.d/consul.hcl', undefined)).toBe('consul');
  });

  it('check exits 0 for a good file, 12 with file:line:column and a caret for a bad one', async () => {
    const good = await file('good.hcl', CONSUL);
    expect(await runMain(['hcl', 'check', '--oracle', good])).toMatchObject({ code: 0, stdout: `${good}: ok\n` });
    const bad = await file('bad.hcl', 'acl {\n  enabled = true true\n}\n');
    const r = await runMain(['hcl', 'check', bad]);
    expect(r.code).toBe(12);
    expect(r.stderr).toContain(`${bad}:2:18: expected a newline after the argument, found 'true'`);
    expect(r.stderr).toContain('\n    enabled = true true\n                   ^\n');
  });

  it.each([
    [['hcl'], 2],
    [['hcl', 'frobnicate', 'x'], 2],
    [['hcl', 'get', 'only-file'], 2],
    [['hcl', 'phase', 'sideways', 'f.hcl'], 2],
    [['hcl', 'json', '/nonexistent/consul.hcl'], 16],
  ])('%j exits %i', async (args, code) => {
    expect((await runMain(args)).code).toBe(code);
  });

  it('runs as a real process', async () => {
    const f = await file('consul.hcl', CONSUL);
    const r = await runCli(['hcl', 'get', f, 'bootstrap_expect'], { timeoutMs: 80_000 });
    expect(r).toMatchObject({ code: 0, stdout: '3\n' });
  }, 90_000);
});

describe('hashinode hcl set with a negative number', () => {
  it('takes the value after --', async () => {
    const f = await file('consul.hcl', 'ports {\n  https = 8501\n}\n');
    expect(await runMain(['hcl', 'set', f, 'ports.https', '--', '-1'])).toMatchObject({ code: 0, stdout: 'ports {\n  https = -1\n}\n' });
  });
});
