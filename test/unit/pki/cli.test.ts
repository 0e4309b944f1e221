import { readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runMain } from '../../helpers/cli.ts';
import { tempDir } from '../../helpers/tmp.ts';

async function modes(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of await readdir(dir)) out[name] = ((await stat(path.join(dir, name))).mode & 0o777).toString(8);
  return out;
}

describe('hashinode pki', () => {
  it('ca create + cert create write consul tls file names with key files 0600, certificates 0644', async () => {
    const dir = await tempDir();
    const ca = await runMain(['pki', 'ca', 'create', '--service', 'consul', '--out', dir]);
    expect(ca).toMatchObject({ code: 0, stderr: '' });
    expect(ca.stdout).toBe(`==> Saved ${dir}/consul-agent-ca.pem\n==> Saved ${dir}/consul-agent-ca-key.pem\n`);
    for (let i = 0; i < 2; i++) {
      const cert = await runMain(['pki', 'cert', 'create', '--ca', dir, '--service', 'consul', '--role', 'server', '--ip', '10.0.0.5', '--out', dir]);
      expect(cert.code).toBe(0);
    }
    expect(await runMain(['pki', 'cert', 'create', '--ca', dir, '--service', 'consul', '--role', 'cli', '--out', dir])).toMatchObject({ code: 0 });
    expect(await modes(dir)).toEqual({
      'consul-agent-ca.pem': '644',
      'consul-agent-ca-key.pem': '600',
      'dc1-server-consul-0.pem': '644',
      'dc1-server-consul-0-key.pem': '600',
      'dc1-server-consul-1.pem': '644',
      'dc1-server-consul-1-key.pem': '600',
      'dc1-cli-consul-0.pem': '644',
      'dc1-cli-consul-0-key.pem': '600',
    });
  });

  it('never prints a private key (ca create, cert create, inspect)', async () => {
    const dir = await tempDir();
    const outputs = [
      await runMain(['pki', 'ca', 'create', '--service', 'nomad', '--out', dir]),
      await runMain(['pki', 'cert', 'create', '--ca', dir, '--service', 'nomad', '--role', 'client', '--region', 'eu', '--out', dir, '--json']),
      await runMain(['pki', 'inspect', path.join(dir, 'nomad-agent-ca-key.pem')]),
    ];
    for (const o of outputs) expect(o.stdout + o.stderr).not.toMatch(/PRIVATE KEY-----\n[A-Za-z0-9+/]/);
    expect(outputs[2]).toMatchObject({ code: 41, stderr: expect.stringMatching(/is a private key; pki inspect shows certificates only/) });
    expect(JSON.parse(outputs[1]!.stdout)).toMatchObject({ commonName: 'client.eu.nomad', files: [{ path: `${dir}/eu-client-nomad-0.pem`, mode: '0644' }, { mode: '0600' }] });
  });

  it('refuses to overwrite an existing CA', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'vault-agent-ca.pem'), 'old');
    const r = await runMain(['pki', 'ca', 'create', '--service', 'vault', '--out', dir]);
    expect(r).toMatchObject({ code: 17, stderr: expect.stringMatching(/vault-agent-ca\.pem already exists/) });
  });

  it('inspect shows subject, SANs, validity and key type; --json gives the same as data', async () => {
    const dir = await tempDir();
    await runMain(['pki', 'ca', 'create', '--service', 'consul', '--out', dir]);
    await runMain(['pki', 'cert', 'create', '--ca', dir, '--service', 'consul', '--role', 'server', '--node', 'n1', '--dc', 'east', '--out', dir]);
    const file = path.join(dir, 'east-server-consul-0.pem');
    const text = await runMain(['pki', 'inspect', file]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Subject: +CN=server\.east\.consul/);
    expect(text.stdout).toMatch(/DNS names: +server\.east\.consul, n1\.server\.east\.consul, localhost/);
    expect(text.stdout).toMatch(/Key type: +ECDSA P-256/);
    const json = JSON.parse((await runMain(['pki', 'inspect', file, '--json'])).stdout);
    expect(json).toMatchObject({ subject: 'CN=server.east.consul', ipAddresses: ['127.0.0.1'], keyType: 'ECDSA P-256', isCa: false, extKeyUsage: ['serverAuth', 'clientAuth'] });
    expect(Date.parse(json.notAfter) - Date.parse(json.notBefore)).toBe(365 * 86_400_000);
  });

  it('works as a real process: ca create, then cert create against it', async () => {
    const dir = await tempDir();
    expect(await runCli(['pki', 'ca', 'create', '--service', 'vault', '--out', dir], { timeoutMs: 30_000 })).toMatchObject({ code: 0 });
    const r = await runCli(['pki', 'cert', 'create', '--ca', dir, '--service', 'vault', '--role', 'server', '--ip', '10.0.0.7', '--out', dir, '--json'], { timeoutMs: 30_000 });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ commonName: 'vault.service.consul', ipAddresses: ['127.0.0.1', '10.0.0.7'] });
  });

  it('keygen prints one gossip key', async () => {
    const r = await runMain(['pki', 'keygen']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
  });

  it.each([
    [['pki'], /a subcommand is required/],
    [['pki', 'ca', 'create', '--service', 'etcd'], /--service must be consul, nomad or vault, got 'etcd'/],
    [['pki', 'cert', 'create', '--service', 'consul', '--role', 'server'], /--ca DIR is required/],
    [['pki', 'cert', 'create', '--ca', '/x', '--service', 'consul', '--role', 'admin'], /--role must be server, client or cli/],
    [['pki', 'cert', 'create', '--ca', '/x', '--service', 'nomad', '--role', 'server', '--node', 'n1'], /--node applies to Consul server certificates only/],
    [['pki', 'ca', 'create', '--service', 'consul', '--days', 'ten'], /--days must be a whole number/],
    [['pki', 'inspect'], /exactly one FILE/],
  ])('%j is a usage error', async (args, message) => {
    expect(await runMain(args)).toMatchObject({ code: 2, stderr: expect.stringMatching(message) });
  });
});
