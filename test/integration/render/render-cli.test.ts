import { readFile, readdir, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import hcl2 from 'hcl2-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeImds, startFakeImds } from '../../fakes/imds.ts';
import { REPO, runCli } from '../../helpers/cli.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { makeRoot } from '../../unit/render/writer-fixtures.ts';

// `hashinode render` as a real process: against the fake IMDS it writes the node's files under
// --root, a second run changes nothing, and --dry-run --diff shows changes and writes nothing.

const ENV = { HASHINODE_LOG_LEVEL: 'silent', PATH: '/usr/bin:/bin' };
const FACTS = path.join(REPO, 'test/fixtures/render/facts');

let imds: FakeImds | undefined;
afterEach(async () => {
  await imds?.close();
  imds = undefined;
});

// biome-ignore lint/suspicious/noExplicitAny: hcl2-parser output is untyped JSON, read by tests field by field
function parseHcl(text: string): Record<string, any> {
  const [value, error] = hcl2.parseToObject(text);
  expect(error).toBeNull();
  // biome-ignore lint/suspicious/noExplicitAny: hcl2-parser output is untyped JSON, read by tests field by field
  return value as Record<string, any>;
}

async function mtimes(root: string, files: string[]): Promise<string[]> {
  return Promise.all(files.map(async (f) => (await stat(path.join(root, f))).mtime.toISOString()));
}

describe('hashinode render', () => {
  it('against the fake IMDS writes consul.hcl and the rest; a second run changes nothing', async () => {
    imds = await startFakeImds({
      instance: { instanceId: 'i-0feedface0000001', privateIp: '10.0.9.5', region: 'eu-west-1' },
      tags: { 'hashinode:cluster': 'demo', 'hashinode:roles': 'consul-server,nomad-server' },
    });
    const root = await tempDir();
    await makeRoot(root);
    const args = ['render', '--root', root, '--imds-endpoint', imds.url];
    const first = await runCli(args, { env: ENV, timeoutMs: 60_000 });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^changed\s+\/etc\/consul\.d\/consul\.hcl$/m);
    expect(first.stdout).toMatch(/^pending\s+\/etc\/consul\.d\/encrypt\.hcl \(the Consul gossip key is not known yet\)$/m);

    const consul = parseHcl(await readFile(path.join(root, 'etc/consul.d/consul.hcl'), 'utf8'));
    expect(consul).toMatchObject({ node_name: 'i-0feedface0000001', bind_addr: '10.0.9.5', advertise_addr: '10.0.9.5', server: true, client_addr: '127.0.0.1' });
    expect(consul.retry_join).toEqual([expect.stringMatching(/^provider=aws tag_key=\S+ tag_value=\S+$/)]);
    const nomad = parseHcl(await readFile(path.join(root, 'etc/nomad.d/nomad.hcl'), 'utf8'));
    expect(nomad).toMatchObject({ name: 'i-0feedface0000001', bind_addr: '10.0.9.5' });
    expect(nomad.server[0].enabled).toBe(true);
    expect(await readFile(path.join(root, 'etc/resolv.conf'), 'utf8')).toContain('nameserver 127.0.0.1');
    expect((await readdir(path.join(root, 'etc/consul.d'))).sort()).toEqual(['consul.hcl']);

    const written = ['etc/consul.d/consul.hcl', 'etc/nomad.d/nomad.hcl', 'etc/dnsmasq.d/10-consul.conf', 'etc/resolv.conf'];
    const past = new Date('2020-01-01T00:00:00Z');
    for (const f of written) await utimes(path.join(root, f), past, past);
    const second = await runCli([...args, '--json'], { env: ENV, timeoutMs: 60_000 });
    expect(second.code).toBe(0);
    const report = JSON.parse(second.stdout);
    expect(report.changed).toEqual([]);
    expect(report.unchanged).toEqual(written.map((f) => `/${f}`));
    expect(report.pending.map((p: { path: string }) => p.path)).toEqual(['/etc/consul.d/encrypt.hcl', '/etc/nomad.d/nomad.env', '/etc/nomad.d/encrypt.hcl']);
    expect(new Set(await mtimes(root, written))).toEqual(new Set([past.toISOString()]));
  });

  it('--facts renders offline; known secrets fill encrypt.hcl and nomad.env', async () => {
    const root = await tempDir();
    await makeRoot(root);
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(path.join(root, 'var/lib/hashinode/secrets'), { recursive: true });
    await writeFile(path.join(root, 'var/lib/hashinode/secrets/consul-gossip.key'), 'pUqJrVyVRj5jsiYEkM/tFQYfWyJIv4s3XkvDwy7Cu5s=\n', { mode: 0o600 });
    const nomadToken = '0d7e3a9c-4b1f-4e62-8a5d-9c2b7e1f3a60';
    await writeFile(path.join(root, 'var/lib/hashinode/secrets/nomad-client-consul.token'), `${nomadToken}\n`, { mode: 0o600 });
    const r = await runCli(['render', '--root', root, '--facts', path.join(FACTS, 'worker.json'), '--json'], { env: ENV, timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.changed).toContain('/etc/consul.d/encrypt.hcl');
    expect(report.pending).toEqual([]);
    expect(r.stdout).not.toContain('pUqJrVyVRj5jsiYEkM');
    expect(r.stdout).not.toContain(nomadToken);
    expect(await readFile(path.join(root, 'etc/nomad.d/nomad.env'), 'utf8')).toContain(`CONSUL_HTTP_TOKEN=${nomadToken}`);
    const enc = await stat(path.join(root, 'etc/consul.d/encrypt.hcl'));
    expect(enc.mode & 0o7777).toBe(0o640);
    expect(parseHcl(await readFile(path.join(root, 'etc/consul.d/encrypt.hcl'), 'utf8'))).toEqual({ encrypt: 'pUqJrVyVRj5jsiYEkM/tFQYfWyJIv4s3XkvDwy7Cu5s=' });
  });

  it('--dry-run --diff prints unified diffs, hides secrets, and writes nothing', async () => {
    const root = await tempDir();
    await makeRoot(root);
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(path.join(root, 'etc'), { recursive: true });
    await writeFile(path.join(root, 'etc/resolv.conf'), 'nameserver 127.0.0.53\noptions edns0 trust-ad\n');
    await mkdir(path.join(root, 'var/lib/hashinode/secrets'), { recursive: true });
    await writeFile(path.join(root, 'var/lib/hashinode/secrets/consul-gossip.key'), 'pUqJrVyVRj5jsiYEkM/tFQYfWyJIv4s3XkvDwy7Cu5s=\n');
    const r = await runCli(['render', '--root', root, '--facts', path.join(FACTS, 'worker.json'), '--dry-run', '--diff'], { env: ENV, timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--- a/etc/resolv.conf\n+++ b/etc/resolv.conf\n@@ ');
    expect(r.stdout).toContain('-nameserver 127.0.0.53\n');
    expect(r.stdout).toContain('+nameserver 127.0.0.1\n');
    expect(r.stdout).toContain('--- /dev/null\n+++ b/etc/consul.d/consul.hcl\n@@ -0,0 +1,');
    expect(r.stdout).toContain('(secret file created: contents not shown)');
    expect(r.stdout).not.toContain('pUqJrVyVRj5jsiYEkM');
    expect(r.stdout).toMatch(/^would change\s+\/etc\/consul\.d\/consul\.hcl$/m);
    expect(await readFile(path.join(root, 'etc/resolv.conf'), 'utf8')).toBe('nameserver 127.0.0.53\noptions edns0 trust-ad\n');
    expect((await readdir(path.join(root, 'etc'))).sort()).toEqual(['group', 'passwd', 'resolv.conf']);
  });

  it('errors carry their code and exit status', async () => {
    const root = await tempDir();
    await makeRoot(root);
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(path.join(root, 'etc/hashinode/templates/consul'), { recursive: true });
    await writeFile(path.join(root, 'etc/hashinode/templates/consul/client.hcl'), 'datacenter = {{ dc }}\n');
    const r = await runCli(['render', '--root', root, '--facts', path.join(FACTS, 'worker.json')], { env: ENV, timeoutMs: 60_000 });
    expect(r.code).toBe(14);
    expect(r.stderr).toContain("HN_E_TEMPLATE");
    expect(r.stderr).toContain("client.hcl:1: unknown variable 'dc'");
    const usage = await runCli(['render', '--root', root, '--facts', path.join(FACTS, 'worker.json'), '--only', 'bogus'], { env: ENV, timeoutMs: 60_000 });
    expect(usage.code).toBe(2);
  });
});
