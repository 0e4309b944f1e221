import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../../helpers/cli.ts';
import { CONSUL_KEY, type Kind, NOMAD_CONSUL_TOKEN, NOMAD_KEY, nodeFacts } from './node-facts.ts';
import { renderFor } from './render-helpers.ts';

// Byte-for-byte goldens per role combination. UPDATE_GOLDENS=1 rewrites them; review the diff.

const GOLDEN = path.join(REPO, 'test/fixtures/render/golden');

const EXPECTED: Record<Kind, string[]> = {
  server: ['/etc/consul.d/consul.hcl', '/etc/consul.d/encrypt.hcl', '/etc/nomad.d/nomad.hcl', '/etc/nomad.d/nomad.env', '/etc/nomad.d/encrypt.hcl', '/etc/dnsmasq.d/10-consul.conf', '/etc/resolv.conf'],
  worker: ['/etc/consul.d/consul.hcl', '/etc/consul.d/encrypt.hcl', '/etc/nomad.d/nomad.hcl', '/etc/nomad.d/nomad.env', '/etc/dnsmasq.d/10-consul.conf', '/etc/resolv.conf'],
  vault: ['/etc/consul.d/consul.hcl', '/etc/consul.d/encrypt.hcl', '/etc/vault.d/vault.hcl', '/etc/dnsmasq.d/10-consul.conf', '/etc/resolv.conf'],
  dev: ['/etc/consul.d/consul.hcl', '/etc/consul.d/encrypt.hcl', '/etc/nomad.d/nomad.hcl', '/etc/nomad.d/nomad.env', '/etc/nomad.d/encrypt.hcl', '/etc/dnsmasq.d/10-consul.conf', '/etc/resolv.conf'],
};

describe.each(Object.keys(EXPECTED) as Kind[])('%s node', (kind) => {
  it('its facts file (used by the CLI tests) is the JSON of the same facts', async () => {
    const file = path.join(REPO, 'test/fixtures/render/facts', `${kind}.json`);
    if (process.env.UPDATE_GOLDENS === '1') await writeFile(file, `${JSON.stringify(nodeFacts(kind), null, 2)}\n`);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(nodeFacts(kind));
  });

  it('renders exactly its files, each equal to its golden', async () => {
    const files = await renderFor(nodeFacts(kind), { consulGossipKey: CONSUL_KEY, nomadGossipKey: NOMAD_KEY, nomadConsulToken: NOMAD_CONSUL_TOKEN });
    expect(files.map((f) => f.path)).toEqual(EXPECTED[kind]);
    expect(files.pending).toEqual([]);
    for (const file of files) {
      const golden = path.join(GOLDEN, kind, file.path);
      if (process.env.UPDATE_GOLDENS === '1') {
        await mkdir(path.dirname(golden), { recursive: true });
        await writeFile(golden, file.content);
      }
      expect(file.content, `${kind}${file.path}`).toBe(await readFile(golden, 'utf8'));
    }
  });
});
