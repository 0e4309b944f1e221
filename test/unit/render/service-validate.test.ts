import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isHashinodeError } from '../../../agent/core/errors.ts';
import { processExec } from '../../../agent/core/exec.ts';
import { silentLog } from '../../../agent/core/log.ts';
import { Paths } from '../../../agent/core/paths.ts';
import { applyRendered } from '../../../agent/render/node-config.ts';
import { findOnPath } from '../../../agent/render/service-validate.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { CONSUL_KEY, NOMAD_KEY, nodeFacts } from './node-facts.ts';
import { renderFor } from './render-helpers.ts';
import { makeRoot } from './writer-fixtures.ts';

// A tiny stand-in validator on PATH: records its arguments and the files it was shown, and refuses
// when FAKE_REFUSE names its program.
const SCRIPT = `#!/bin/sh
name=$(basename "$0")
dir=$(eval echo "\\$$#")
{ echo "$name $*"; for f in "$dir"/*; do echo "file $(basename "$f") $(grep -c '^encrypt = ' "$f")"; done; } >> "$FAKE_RECORD"
if [ "$FAKE_REFUSE" = "$name" ]; then echo "* invalid config key: bogus" >&2; exit 1; fi
echo "Configuration is valid!"
`;

async function bin(dir: string, name: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, name), SCRIPT);
  await chmod(path.join(dir, name), 0o755);
}

async function setup() {
  const root = await tempDir();
  await makeRoot(root);
  const binDir = path.join(await tempDir(), 'bin');
  await bin(binDir, 'consul');
  await bin(binDir, 'nomad');
  const record = path.join(root, 'record.txt');
  const deps = { paths: new Paths(root), exec: processExec, log: silentLog() };
  const files = await renderFor(nodeFacts('server'), { consulGossipKey: CONSUL_KEY, nomadGossipKey: NOMAD_KEY });
  return { root, binDir, record, deps, files };
}

describe('service validators', () => {
  it('runs `consul validate DIR` and `nomad config validate DIR` on a copy holding every config file', async () => {
    const { binDir, record, deps, files } = await setup();
    const result = await applyRendered(files, deps, { env: { PATH: `${binDir}:/usr/bin:/bin`, FAKE_RECORD: record } });
    expect(result.notes).toEqual([]);
    const lines = (await readFile(record, 'utf8')).trim().split('\n');
    expect(lines[0]).toMatch(/^consul validate \/.*hashinode-validate-consul-/);
    expect(lines).toContain('file consul.hcl 0');
    expect(lines).toContain('file encrypt.hcl 1');
    expect(lines.find((l) => l.startsWith('nomad '))).toMatch(/^nomad config validate \/.*hashinode-validate-nomad-/);
    expect(result.changed).toHaveLength(files.length);
  });

  it('a refusal is HN_E_RENDER_INVALID with the validator output, and nothing is written', async () => {
    const { root, binDir, record, deps, files } = await setup();
    let error: unknown;
    try {
      await applyRendered(files, deps, { env: { PATH: `${binDir}:/usr/bin:/bin`, FAKE_RECORD: record, FAKE_REFUSE: 'nomad' } });
    } catch (err) {
      error = err;
    }
    expect(isHashinodeError(error, 'HN_E_RENDER_INVALID')).toBe(true);
    expect((error as Error).message).toContain('nomad config validate refused');
    expect((error as Error).message).toContain('invalid config key: bogus');
    await expect(readFile(path.join(root, 'etc/consul.d/consul.hcl'))).rejects.toThrow(/ENOENT/);
  });

  it('absent validators are skipped with a note', async () => {
    const { deps, files } = await setup();
    const result = await applyRendered(files, deps, { env: { PATH: '/nonexistent' } });
    expect(result.notes).toEqual([
      'consul is not on PATH: skipped its own validation (both HCL parsers still checked the files)',
      'nomad is not on PATH: skipped its own validation (both HCL parsers still checked the files)',
    ]);
  });

  it('findOnPath finds only executables', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'consul'), 'x');
    expect(await findOnPath('consul', { PATH: dir })).toBeUndefined();
    await chmod(path.join(dir, 'consul'), 0o755);
    expect(await findOnPath('consul', { PATH: `/nope:${dir}` })).toBe(path.join(dir, 'consul'));
  });
});
