import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadNomadConfig } from '../../fakes/standins/nomad/config.ts';
import { loadVaultConfig } from '../../fakes/standins/vault/config.ts';
import { tempDir } from '../../helpers/tmp.ts';

async function dirWith(name: string, text: string): Promise<string> {
  const dir = path.join(await tempDir('cfg-'), 'conf.d');
  mkdirSync(dir);
  writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('nomad stand-in config checks', () => {
  const base = 'data_dir = "/opt/nomad"\n';
  it.each([
    ['an unknown top-level key', 'bogus = 1\nserver {\n  enabled = true\n}\n', /Error loading configuration from .*: Error loading .*nomad\.hcl: unexpected keys bogus/],
    ['an unknown server key', 'server {\n  enabled = true\n  bootstrap_expected = 3\n}\n', /server unexpected keys bootstrap_expected/],
    ['neither server nor client', '', /Must specify either server, client or dev mode for the agent\./],
    ['a missing data_dir', null, /Must specify "data_dir" config option or "data-dir" CLI flag/],
    ['server_join together with retry_join', 'server {\n  enabled = true\n  retry_join = ["a"]\n  server_join {\n    retry_join = ["b"]\n  }\n}\n', /server_join and start_join cannot both be defined/],
    ['a bad gossip key', 'server {\n  enabled = true\n  encrypt = "c2hvcnQ="\n}\n', /Invalid encryption key/],
  ])('refuses %s', async (_what, text, message) => {
    const dir = await dirWith('nomad.hcl', text === null ? 'server {\n  enabled = true\n}\n' : base + text);
    expect(() => loadNomadConfig([dir], {}, {})).toThrow(message);
  });

  it('reads server_join.retry_join, the ACL switch and TLS settings', async () => {
    const dir = await dirWith(
      'nomad.hcl',
      `${base}bind_addr = "10.0.0.5"\nserver {\n  enabled = true\n  bootstrap_expect = 3\n  server_join {\n    retry_join = ["provider=aws tag_key=k tag_value=v"]\n  }\n}\nacl {\n  enabled = true\n}\ntls {\n  http = true\n  rpc = true\n  ca_file = "ca"\n  cert_file = "c"\n  key_file = "k"\n  verify_https_client = true\n}\n`,
    );
    const cfg = loadNomadConfig([dir], {}, {});
    expect(cfg.server).toMatchObject({ enabled: true, bootstrapExpect: 3, join: ['provider=aws tag_key=k tag_value=v'] });
    expect(cfg.aclEnabled).toBe(true);
    expect(cfg.tls).toMatchObject({ http: true, verifyHttpsClient: true });
    expect(cfg.httpAddr).toBe('10.0.0.5');
  });
});

describe('vault stand-in config checks', () => {
  it('refuses a config without storage', async () => {
    const dir = await dirWith('vault.hcl', 'listener "tcp" {\n  address = "127.0.0.1:8200"\n  tls_disable = true\n}\n');
    expect(() => loadVaultConfig([dir])).toThrow('A storage backend must be specified');
  });

  it('refuses raft storage without cluster_addr', async () => {
    const dir = await dirWith('vault.hcl', 'storage "raft" {\n  path = "/opt/vault"\n}\n');
    expect(() => loadVaultConfig([dir])).toThrow('Cluster address must be set when using raft storage');
  });

  it('only warns about unknown keys, and sees an awskms seal', async () => {
    const dir = await dirWith(
      'vault.hcl',
      'storage "consul" {\n  address = "127.0.0.1:8500"\n}\nlistener "tcp" {\n  tls_disable = true\n}\nseal "awskms" {\n  kms_key_id = "k"\n}\nbogus = true\n',
    );
    const cfg = loadVaultConfig([dir]);
    expect(cfg.warnings).toEqual([expect.stringMatching(/unknown or unsupported field bogus found in configuration at .*vault\.hcl/)]);
    expect(cfg.seal).toEqual({ type: 'awskms', kmsKeyId: 'k' });
    expect(cfg.listeners[0]!.address).toBe('127.0.0.1:8200');
  });
});
