import { readFile, stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { Paths } from '../../../agent/core/paths.ts';
import { STATE, tlsPaths } from '../../../agent/node/materials.ts';
import { type Bundle, bundleFiles, installMaterials, tokenPath } from '../../../agent/pki/bundle.ts';
import { tempDir } from '../../helpers/tmp.ts';

const serverBundle: Bundle = {
  kind: 'server',
  instanceId: 'i-0aaaaaaaaaaaaaaa1',
  issuedAt: '2026-06-01T12:00:00.000Z',
  caCerts: { consul: 'CONSUL CA CERT\n', nomad: 'NOMAD CA CERT\n' },
  caKeys: { consul: 'CONSUL CA KEY\n', nomad: 'NOMAD CA KEY\n' },
  gossip: { consul: 'Y29uc3VsLWdvc3NpcA==', nomad: 'bm9tYWQtZ29zc2lw' },
  certs: { consul: { agent: { certPem: 'CERT\n', keyPem: 'KEY\n' }, cli: { certPem: 'CLI CERT\n', keyPem: 'CLI KEY\n' } } },
  tokens: { consulManagement: 'mgmt', consulAgent: 'agent-token' },
};

async function mode(file: string): Promise<string> {
  return ((await stat(file)).mode & 0o777).toString(8);
}

describe('installMaterials', () => {
  it('writes every file where materials.ts says, keys 0600 and certificates 0644', async () => {
    const paths = new Paths(await tempDir());
    await installMaterials(serverBundle, paths);
    const consul = tlsPaths('consul');
    const expected: [string, string, string][] = [
      [consul.caFile, 'CONSUL CA CERT\n', '644'],
      [tlsPaths('nomad').caFile, 'NOMAD CA CERT\n', '644'],
      [consul.certFile, 'CERT\n', '644'],
      [consul.keyFile, 'KEY\n', '600'],
      [consul.cliCertFile, 'CLI CERT\n', '644'],
      [consul.cliKeyFile, 'CLI KEY\n', '600'],
      [`${STATE.caKeysDir}/consul-agent-ca-key.pem`, 'CONSUL CA KEY\n', '600'],
      [STATE.consulGossipKey, 'Y29uc3VsLWdvc3NpcA==\n', '600'],
      [STATE.nomadGossipKey, 'bm9tYWQtZ29zc2lw\n', '600'],
      [STATE.consulManagementToken, 'mgmt\n', '600'],
      [tokenPath('consulAgent'), 'agent-token\n', '600'],
    ];
    for (const [file, content, m] of expected) {
      expect(await readFile(paths.host(file), 'utf8'), file).toBe(content);
      expect(await mode(paths.host(file)), file).toBe(m);
    }
    expect(await mode(paths.host(STATE.secretsDir))).toBe('700');
    expect(await mode(paths.host(STATE.caKeysDir))).toBe('700');
  });

  it('changes nothing the second time, and reports which services changed', async () => {
    const paths = new Paths(await tempDir());
    const first = await installMaterials(serverBundle, paths);
    expect(first.changedServices.sort()).toEqual(['consul', 'nomad']);
    const second = await installMaterials(serverBundle, paths);
    expect(second.files.every((f) => !f.changed)).toBe(true);
    expect(second.changedServices).toEqual([]);
    const third = await installMaterials({ ...serverBundle, certs: { consul: { agent: { certPem: 'NEW CERT\n', keyPem: 'NEW KEY\n' } } } }, paths);
    expect(third.changedServices).toEqual(['consul']);
  });

  it('a worker bundle writes no CA key and no management token', () => {
    const worker: Bundle = { ...serverBundle, kind: 'worker', caKeys: undefined, tokens: { consulAgent: 't' } };
    const files = bundleFiles(worker).map((f) => f.path);
    expect(files.some((f) => f.startsWith(STATE.caKeysDir))).toBe(false);
    expect(files).not.toContain(STATE.consulManagementToken);
  });

  it.each([
    ['consulManagement', STATE.consulManagementToken],
    ['nomadManagement', STATE.nomadManagementToken],
    ['consulAgent', '/var/lib/hashinode/secrets/consul-agent.token'],
    ['nomadClient', '/var/lib/hashinode/secrets/nomad-client.token'],
  ])('token %s lives at %s', (name, file) => {
    expect(tokenPath(name)).toBe(file);
  });
});
