import { describe, expect, it } from 'vitest';
import { Paths } from '../../../agent/core/paths.ts';
import { installMaterials } from '../../../agent/pki/bundle.ts';
import { createClusterMaterials, loadHolderMaterials } from '../../../agent/pki/cluster.ts';
import { bundleFor } from '../../../agent/pki/holder.ts';
import { tempDir } from '../../helpers/tmp.ts';

describe('cluster materials', () => {
  it('a server that installed its own bundle can load everything back and act as holder', async () => {
    const m = await createClusterMaterials({ services: ['consul', 'nomad'], datacenter: 'dc1', region: 'global' });
    m.tokens = { consulManagement: 'mgmt-1', nomadManagement: 'mgmt-2', consulAgent: 'agent-1' };
    const paths = new Paths(await tempDir());
    await installMaterials(await bundleFor(m, { instanceId: 'i-0aaaaaaaaaaaaaaa1', roles: ['consul-server', 'nomad-server'], now: new Date() }), paths);
    expect(await loadHolderMaterials(paths, { datacenter: 'dc1', region: 'global' })).toEqual(m);
  });

  it('a worker holds no CA key, so it cannot be a holder', async () => {
    const m = await createClusterMaterials({ services: ['consul'], datacenter: 'dc1', region: 'global' });
    const paths = new Paths(await tempDir());
    await installMaterials(await bundleFor(m, { instanceId: 'i-0bbbbbbbbbbbbbbb2', roles: ['nomad-client'], now: new Date() }), paths);
    await expect(loadHolderMaterials(paths, { datacenter: 'dc1', region: 'global' })).rejects.toMatchObject({ code: 'HN_E_PKI', message: /no CA key/ });
  });
});
