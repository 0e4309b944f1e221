import { access, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeImds, startFakeImds } from '../../fakes/imds.ts';
import { runMain } from '../../helpers/cli.ts';
import { tempDir } from '../../helpers/tmp.ts';

const imdsList: FakeImds[] = [];
afterEach(async () => {
  for (const f of imdsList.splice(0)) await f.close();
});

async function imds(): Promise<FakeImds> {
  const f = await startFakeImds({ instance: { instanceId: 'i-0123456789abcdef0' }, tags: { 'hashinode:cluster': 'c1', 'hashinode:roles': 'nomad-client' } });
  imdsList.push(f);
  return f;
}

describe('hashinode bootstrap / phase / analyze', () => {
  it('bootstrap --dry-run runs identify only, plans the rest for this node’s roles, writes nothing', async () => {
    const root = await tempDir();
    const f = await imds();
    const r = await runMain(['bootstrap', '--dry-run', '--json', '--root', root, '--imds-endpoint', f.url]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { phase: string; result: string; summary?: string });
    expect(lines.map((l) => `${l.phase}:${l.result}`)).toEqual([
      'identify:done',
      'shared-disk:planned',
      'dns:planned',
      'elect:not-applicable',
      'pki:planned',
      'render:planned',
      'consul-bootstrap:not-applicable',
      'consul-join:planned',
      'acl-tokens:planned',
      'nomad:planned',
      'vault:not-applicable',
      'ready:planned',
    ]);
    expect(lines.find((l) => l.phase === 'pki')?.summary).toContain('mailbox');
    await expect(access(path.join(root, 'var/lib/hashinode/journal.json'))).rejects.toThrow();
  });

  it('--skip-phases with an unknown phase is a usage error naming the phases', async () => {
    const root = await tempDir();
    const f = await imds();
    const r = await runMain(['bootstrap', '--dry-run', '--skip-phases', 'rendr', '--root', root, '--imds-endpoint', f.url]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown phase 'rendr'");
  });

  it('--service-manager local needs --bin-dir; other kinds are refused', async () => {
    const root = await tempDir();
    expect((await runMain(['bootstrap', '--service-manager', 'local', '--root', root])).stderr).toContain('--bin-dir');
    const r = await runMain(['bootstrap', '--service-manager', 'upstart', '--root', root]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('systemd or local');
  });

  it.each([[[]], [['nope']], [['render', 'nomad']]])('phase %j is a usage error', async (args) => {
    const r = await runMain(['phase', ...args, '--root', await tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('consul-bootstrap');
  });

  it('a failing phase exits with its cause’s code and names the phase', async () => {
    const root = await tempDir();
    const f = await imds();
    // No shared directory exists at this path: the shared-disk phase fails.
    const r = await runMain(['bootstrap', '--root', root, '--imds-endpoint', f.url, '--shared-dir', path.join(root, 'missing')]);
    expect(r.code).toBe(33);
    expect(r.stderr).toContain('HN_E_PHASE: phase shared-disk failed: HN_E_SHARED_UNAVAILABLE');
  });

  it('analyze prints the journal slowest first, and JSON with --json', async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'var/lib/hashinode'), { recursive: true });
    await writeFile(
      path.join(root, 'var/lib/hashinode/journal.json'),
      JSON.stringify({
        version: 1,
        instanceId: 'i-1',
        phases: {
          identify: { status: 'done', startedAt: 'a', durationMs: 10, bootId: 'b' },
          pki: { status: 'done', startedAt: 'a', durationMs: 700, bootId: 'b', summary: 'worker bundle' },
        },
        checkpoints: {},
        pendingRestart: [],
        runs: [],
      }),
    );
    const text = await runMain(['analyze', '--root', root]);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[1]).toContain('pki');
    const json = JSON.parse((await runMain(['analyze', '--json', '--root', root])).stdout) as { phases: { name: string }[] };
    expect(json.phases.map((p) => p.name)).toEqual(['pki', 'identify']);
    expect((await runMain(['analyze', '--root', await tempDir()])).stdout).toContain('no journal yet');
  });
});
