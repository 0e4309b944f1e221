import { mkdir, readFile, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Paths } from '../../../agent/core/paths.ts';
import { isHashinodeError } from '../../../agent/core/errors.ts';
import { silentLog } from '../../../agent/core/log.ts';
import { processExec } from '../../../agent/core/exec.ts';
import { applyRendered } from '../../../agent/render/node-config.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { CONSUL_KEY, NOMAD_CONSUL_TOKEN, NOMAD_KEY, nodeFacts } from './node-facts.ts';
import { fileOf, renderFor } from './render-helpers.ts';
import { makeRoot } from './writer-fixtures.ts';

async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    if (isHashinodeError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a rejection');
}

const NO_VALIDATORS = { env: { PATH: '' } };

describe('renderNodeConfig', () => {
  it('reports files whose secret is unknown as pending, never with a placeholder', async () => {
    const files = await renderFor(nodeFacts('server'), {});
    expect(files.pending).toEqual(['/etc/consul.d/encrypt.hcl', '/etc/nomad.d/nomad.env', '/etc/nomad.d/encrypt.hcl']);
    expect(files.pendingReasons['/etc/consul.d/encrypt.hcl']).toContain('Consul gossip key');
    expect(files.pendingReasons['/etc/nomad.d/nomad.env']).toContain("Nomad's Consul integration");
    expect(files.map((f) => f.path)).not.toContain('/etc/consul.d/encrypt.hcl');
    for (const f of files) expect(f.content).not.toMatch(/encrypt\s*=/);
  });

  it('marks secret files, with modes and owners per service', async () => {
    const files = await renderFor(nodeFacts('server'), { consulGossipKey: CONSUL_KEY, nomadGossipKey: NOMAD_KEY, nomadConsulToken: NOMAD_CONSUL_TOKEN });
    const meta = Object.fromEntries(files.map((f) => [f.path, `${f.mode.toString(8)} ${f.owner}:${f.group} ${f.service}${f.secret ? ' secret' : ''}`]));
    expect(meta).toEqual({
      '/etc/consul.d/consul.hcl': '640 consul:consul consul',
      '/etc/consul.d/encrypt.hcl': '640 consul:consul consul secret',
      '/etc/nomad.d/nomad.hcl': '640 nomad:nomad nomad',
      '/etc/nomad.d/nomad.env': '640 root:nomad nomad secret',
      '/etc/nomad.d/encrypt.hcl': '640 nomad:nomad nomad secret',
      '/etc/dnsmasq.d/10-consul.conf': '644 root:root dnsmasq',
      '/etc/resolv.conf': '644 root:root system',
    });
  });

  it('nomad.env holds the Consul token of the Nomad agent, and nomad.hcl never does', async () => {
    const files = await renderFor(nodeFacts('worker'), { consulGossipKey: CONSUL_KEY, nomadConsulToken: NOMAD_CONSUL_TOKEN });
    const env = files.find((f) => f.path === '/etc/nomad.d/nomad.env')!;
    expect(env).toMatchObject({ mode: 0o640, owner: 'root', group: 'nomad', secret: true });
    expect(env.content.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual([`CONSUL_HTTP_TOKEN=${NOMAD_CONSUL_TOKEN}`]);
    expect(fileOf(files, '/etc/nomad.d/nomad.hcl')).not.toContain(NOMAD_CONSUL_TOKEN);
    await expect(renderFor(nodeFacts('worker'), { nomadConsulToken: 'a\nCONSUL_HTTP_ADDR=evil' })).rejects.toMatchObject({ code: 'HN_E_RENDER_INVALID' });
  });

  it('vault with consul storage: vault.env holds the storage token, or is pending', async () => {
    const facts = nodeFacts('vault', { vault: { enabled: true, storage: 'consul', kmsKeyId: null } });
    const without = await renderFor(facts, { consulGossipKey: CONSUL_KEY });
    expect(without.pending).toEqual(['/etc/vault.d/vault.env']);
    const token = '3f1e6b1c-1d2e-4f5a-8b9c-0d1e2f3a4b5c';
    const withToken = await renderFor(facts, { consulGossipKey: CONSUL_KEY, vaultStorageToken: token });
    const env = withToken.find((f) => f.path === '/etc/vault.d/vault.env')!;
    expect(env).toMatchObject({ mode: 0o640, owner: 'root', group: 'vault', secret: true });
    expect(env.content.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual([`CONSUL_HTTP_TOKEN=${token}`]);
    expect(fileOf(withToken, '/etc/vault.d/vault.hcl')).not.toContain(token);
  });

  it.each([
    ['consulGossipKey', 'not base64!'],
    ['consulGossipKey', 'c2hvcnQ='],
    ['nomadGossipKey', `${NOMAD_KEY}\nx`],
    ['vaultStorageToken', 'tok\nEVIL=1'],
  ])('refuses a malformed %s without echoing it', async (name, value) => {
    const facts = nodeFacts('server', { vault: { enabled: true, storage: 'consul', kmsKeyId: null }, roles: ['consul-server', 'nomad-server', 'vault-server'] });
    const e = await rejection(renderFor(facts, { consulGossipKey: CONSUL_KEY, nomadGossipKey: NOMAD_KEY, [name]: value }));
    expect(e.code).toBe('HN_E_RENDER_INVALID');
    expect(e.message).not.toContain(value);
  });

  it('--only limits to services or paths', async () => {
    const consulOnly = await renderFor(nodeFacts('server'), {}, undefined, { only: ['consul'] });
    expect(consulOnly.map((f) => f.path)).toEqual(['/etc/consul.d/consul.hcl']);
    expect(consulOnly.pending).toEqual(['/etc/consul.d/encrypt.hcl']);
    const resolv = await renderFor(nodeFacts('server'), {}, undefined, { only: ['/etc/resolv.conf'] });
    expect(resolv.map((f) => f.path)).toEqual(['/etc/resolv.conf']);
  });
});

describe('template sources', () => {
  it('the shared disk overrides /etc/hashinode/templates, which overrides the built-in set', async () => {
    const root = await tempDir();
    const shared = await tempDir();
    await mkdir(path.join(root, 'etc/hashinode/templates'), { recursive: true });
    await writeFile(path.join(root, 'etc/hashinode/templates/resolv.conf'), 'nameserver {{ dns.listenAddress | ip }} # host\n');
    let files = await renderFor(nodeFacts('worker'), {}, root, { only: ['system'] });
    expect(files[0]!.content).toBe('nameserver 127.0.0.1 # host\n');
    expect(files[0]!.origin).toBe(path.join(root, 'etc/hashinode/templates/resolv.conf'));
    await writeFile(path.join(shared, 'resolv.conf'), 'nameserver {{ dns.listenAddress | ip }} # shared\n');
    files = await renderFor(nodeFacts('worker'), {}, root, { only: ['system'], sharedTemplatesDir: shared });
    expect(files[0]!.content).toBe('nameserver 127.0.0.1 # shared\n');
  });

  it('an override with an unknown variable is HN_E_TEMPLATE naming its file and line', async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'etc/hashinode/templates/consul'), { recursive: true });
    const tpl = path.join(root, 'etc/hashinode/templates/consul/client.hcl');
    await writeFile(tpl, 'datacenter = {{ datacenter }}\nnode_name = {{ nodeName }}\n');
    const e = await rejection(renderFor(nodeFacts('worker'), {}, root));
    expect(e.code).toBe('HN_E_TEMPLATE');
    expect(e.message).toBe(`${tpl}:2: unknown variable 'nodeName'`);
  });

  it('an override that renders invalid HCL is HN_E_RENDER_INVALID', async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'etc/hashinode/templates/consul'), { recursive: true });
    await writeFile(path.join(root, 'etc/hashinode/templates/consul/client.hcl'), 'datacenter = {{ datacenter }}\nports {\n');
    const e = await rejection(renderFor(nodeFacts('worker'), {}, root));
    expect(e.code).toBe('HN_E_RENDER_INVALID');
    expect(e.message).toContain('/etc/consul.d/consul.hcl');
  });
});

describe('applyRendered', () => {
  it('writes every file with its mode, makes 0750 service dirs, and a second apply changes nothing', async () => {
    const root = await tempDir();
    await makeRoot(root);
    const deps = { paths: new Paths(root), exec: processExec, log: silentLog() };
    const files = await renderFor(nodeFacts('server'), { consulGossipKey: CONSUL_KEY, nomadGossipKey: NOMAD_KEY });
    const first = await applyRendered(files, deps, NO_VALIDATORS);
    expect(first.changed).toEqual(files.map((f) => f.path));
    expect(first.unchanged).toEqual([]);
    for (const f of files) {
      expect(await readFile(path.join(root, f.path), 'utf8')).toBe(f.content);
      expect((await stat(path.join(root, f.path))).mode & 0o7777).toBe(f.mode);
    }
    expect((await stat(path.join(root, 'etc/consul.d'))).mode & 0o7777).toBe(0o750);
    expect((await stat(path.join(root, 'etc/nomad.d'))).mode & 0o7777).toBe(0o750);
    const past = new Date('2020-01-01T00:00:00Z');
    await utimes(path.join(root, 'etc/consul.d/consul.hcl'), past, past);
    const second = await applyRendered(files, deps, NO_VALIDATORS);
    expect(second.changed).toEqual([]);
    expect(second.unchanged).toEqual(files.map((f) => f.path));
    expect(second.changedServices).toEqual([]);
    expect(first.changedServices).toEqual(['consul', 'nomad', 'dnsmasq', 'system']);
    expect((await stat(path.join(root, 'etc/consul.d/consul.hcl'))).mtime.toISOString()).toBe(past.toISOString());
    expect((await readdir(path.join(root, 'etc/consul.d'))).sort()).toEqual(['consul.hcl', 'encrypt.hcl']);
  });

  it('reports only the files whose bytes changed', async () => {
    const root = await tempDir();
    await makeRoot(root);
    const deps = { paths: new Paths(root), exec: processExec, log: silentLog() };
    await applyRendered(await renderFor(nodeFacts('worker'), {}), deps, NO_VALIDATORS);
    const again = await applyRendered(await renderFor(nodeFacts('worker', { nodeClass: 'gpu' }), {}), deps, NO_VALIDATORS);
    expect(again.changed).toEqual(['/etc/nomad.d/nomad.hcl']);
    expect(again.changedServices).toEqual(['nomad']);
  });

  it('a missing service user is HN_E_OWNER_UNKNOWN before anything is written', async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'etc'), { recursive: true });
    await writeFile(path.join(root, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\n');
    await writeFile(path.join(root, 'etc/group'), 'root:x:0:\n');
    const deps = { paths: new Paths(root), exec: processExec, log: silentLog() };
    const e = await rejection(applyRendered(await renderFor(nodeFacts('worker'), {}), deps, NO_VALIDATORS));
    expect(e.code).toBe('HN_E_OWNER_UNKNOWN');
    expect(e.message).toContain("'consul'");
    expect(await readdir(path.join(root, 'etc'))).toEqual(['group', 'passwd']);
  });
});
