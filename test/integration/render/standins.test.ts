import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { processExec } from '../../../agent/core/exec.ts';
import { silentLog } from '../../../agent/core/log.ts';
import { Paths } from '../../../agent/core/paths.ts';
import { applyRendered } from '../../../agent/render/node-config.ts';
import { loadVaultConfig } from '../../fakes/standins/vault/config.ts';
import { REPO } from '../../helpers/cli.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { CONSUL_KEY, type Kind, NOMAD_KEY, nodeFacts } from '../../unit/render/node-facts.ts';
import { renderFor } from '../../unit/render/render-helpers.ts';
import { makeRoot } from '../../unit/render/writer-fixtures.ts';

// The Consul/Nomad/Vault stand-ins refuse unknown keys like the real agents: with them on PATH,
// render's `consul validate` / `nomad config validate` step accepts every role's files, and the
// Vault stand-in's loader finds nothing unknown in vault.hcl.

const PATH_WITH_STANDINS = `${path.join(REPO, 'test/fakes/bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`;

describe.each(['server', 'worker', 'vault', 'dev'] as Kind[])('%s node', (kind) => {
  it('passes the stand-ins validators', async () => {
    const root = await tempDir();
    await makeRoot(root);
    const files = await renderFor(nodeFacts(kind), { consulGossipKey: CONSUL_KEY, nomadGossipKey: NOMAD_KEY });
    const deps = { paths: new Paths(root), exec: processExec, log: silentLog() };
    const result = await applyRendered(files, deps, { env: { ...process.env, PATH: PATH_WITH_STANDINS } });
    expect(result.notes.filter((n) => n.includes('not on PATH'))).toEqual([]);
    expect(result.changed).toHaveLength(files.length);
    if (kind === 'vault') {
      const config = loadVaultConfig([path.join(root, 'etc/vault.d')]);
      expect(config.warnings).toEqual([]);
      expect(config.storage).toMatchObject({ type: 'raft', nodeId: 'i-0a1b2c3d4e5f60003' });
      expect(config.seal).toEqual({ type: 'awskms', kmsKeyId: 'alias/hashinode-unseal' });
    }
  });
});
