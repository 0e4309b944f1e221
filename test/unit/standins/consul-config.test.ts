import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConsulConfig } from '../../fakes/standins/consul/config.ts';
import { tempDir } from '../../helpers/tmp.ts';

// The combinations real Consul refuses, with its error texts, and what it accepts.

const KEY32 = 'pUqJrVyVRj5jsiYEkM/tFQYfWyJIv4s3XkvDwy7Cu5s=';

async function load(files: Record<string, string>) {
  const dir = path.join(await tempDir('consul-cfg-'), 'consul.d');
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return () => loadConsulConfig({ configDirs: [dir], flagConfig: {} }, {});
}

const base = 'data_dir = "/tmp/consul-standin-unit"\nnode_name = "n1"\n';

describe('consul stand-in config checks', () => {
  it.each([
    ['an unknown top-level key', 'bogus_key = 1\n', /failed to parse .*consul\.hcl: 1 error occurred:\n\t\* invalid config key bogus_key/],
    ['an unknown key in acl', 'acl {\n  enabled = true\n  default_polciy = "deny"\n}\n', /invalid config key acl\.default_polciy/],
    ['an unknown key in tls.defaults', 'tls {\n  defaults {\n    verify_incomming = true\n  }\n}\n', /invalid config key tls\.defaults\.verify_incomming/],
    ['bootstrap with bootstrap_expect', 'server = true\nbootstrap = true\nbootstrap_expect = 3\n', /'bootstrap_expect > 0' and 'bootstrap = true' are mutually exclusive/],
    ['bootstrap_expect on a client', 'bootstrap_expect = 3\n', /'bootstrap_expect > 0' requires 'server = true'/],
    ['bootstrap on a client', 'bootstrap = true\n', /'bootstrap = true' requires 'server = true'/],
    ['a negative bootstrap_expect', 'server = true\nbootstrap_expect = -1\n', /bootstrap_expect cannot be -1/],
    ['an encrypt key that is not base64', 'encrypt = "not base64!"\n', /encrypt has invalid key: illegal base64 data/],
    ['an encrypt key of the wrong size', 'encrypt = "c2hvcnQ="\n', /key size must be 16, 24 or 32 bytes/],
    ['verify_incoming without a CA', 'tls {\n  defaults {\n    verify_incoming = true\n    cert_file = "c"\n    key_file = "k"\n  }\n}\n', /VerifyIncoming set but no CA certificates were provided/],
    ['auto_encrypt.allow_tls on a client', 'auto_encrypt {\n  allow_tls = true\n}\n', /auto_encrypt\.allow_tls can only be used on a server\./],
    ['auto_encrypt.tls on a server', 'server = true\nauto_encrypt {\n  tls = true\n}\n', /auto_encrypt\.tls can only be used on a client\./],
    ['an upper-case datacenter', 'datacenter = "DC1"\n', /datacenter can only contain lowercase alphanumeric/],
    ['a bad default policy', 'acl {\n  default_policy = "maybe"\n}\n', /Invalid ACL default policy/],
    ['invalid HCL', 'acl {\n', /failed to parse .*consul\.hcl/],
  ])('refuses %s', async (_what, text, message) => {
    const run = await load({ 'consul.hcl': base + text });
    expect(run).toThrow(message);
  });

  it('refuses a missing data_dir', async () => {
    expect(await load({ 'consul.hcl': 'node_name = "x"\n' })).toThrow('data_dir cannot be empty');
  });

  it('merges files in lexical order: later scalars win, lists concatenate, blocks merge', async () => {
    const run = await load({
      'a.hcl': `${base}server = true\nbootstrap_expect = 3\nretry_join = ["10.0.0.1"]\nacl {\n  enabled = true\n}\n`,
      'b.hcl': `bootstrap_expect = 1\nretry_join = ["10.0.0.2"]\nacl {\n  default_policy = "deny"\n}\nencrypt = "${KEY32}"\n`,
      'ignored.txt': 'not = config',
    });
    const cfg = run();
    expect(cfg.bootstrapExpect).toBe(1);
    expect(cfg.retryJoin).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(cfg.acl).toMatchObject({ enabled: true, defaultPolicy: 'deny' });
    expect(cfg.encrypt).toBe(KEY32);
    expect(cfg.files.map((f) => path.basename(f))).toEqual(['a.hcl', 'b.hcl']);
  });

  it('applies tls.https over tls.defaults over the deprecated top-level keys', async () => {
    const cfg = (
      await load({
        'consul.hcl': `${base}server = true\nca_file = "old-ca"\ntls {\n  defaults {\n    cert_file = "c"\n    key_file = "k"\n    verify_incoming = true\n  }\n  https {\n    verify_incoming = false\n  }\n}\n`,
      })
    )();
    expect(cfg.tlsHttps).toMatchObject({ caFile: 'old-ca', certFile: 'c', verifyIncoming: false });
    expect(cfg.tlsInternalRpc.verifyIncoming).toBe(true);
  });

  it('defaults leave_on_terminate to true on clients and false on servers', async () => {
    expect((await load({ 'consul.hcl': base }))().leaveOnTerminate).toBe(true);
    expect((await load({ 'consul.hcl': `${base}server = true\n` }))().leaveOnTerminate).toBe(false);
  });
});
