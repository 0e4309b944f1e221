import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle } from '../../../packaging/build/bundle.mjs';
import { REPO } from '../../helpers/cli.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { makeRoot } from '../../unit/render/writer-fixtures.ts';

// The bundle carries the templates: run from a directory with no config-templates/ anywhere above
// it, `render` still writes the same bytes as the goldens made from the repository's templates.

let dist: string;

beforeAll(async () => {
  dist = mkdtempSync(path.join(tmpdir(), 'hashinode-render-bundle-'));
  await bundle(REPO, dist, () => {});
}, 120_000);

afterAll(() => rmSync(dist, { recursive: true, force: true }));

describe('render from the bundle', () => {
  it('uses the embedded templates and matches the goldens', async () => {
    const root = await tempDir();
    await makeRoot(root);
    const r = spawnSync(process.execPath, [path.join(dist, 'hashinode.cjs'), 'render', '--root', root, '--facts', path.join(REPO, 'test/fixtures/render/facts/vault.json')], {
      cwd: '/',
      env: { PATH: '/usr/bin:/bin', HASHINODE_LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const file of ['etc/consul.d/consul.hcl', 'etc/vault.d/vault.hcl', 'etc/dnsmasq.d/10-consul.conf', 'etc/resolv.conf']) {
      expect(readFileSync(path.join(root, file), 'utf8'), file).toBe(readFileSync(path.join(REPO, 'test/fixtures/render/golden/vault', file), 'utf8'));
    }
  });
});
