import { describe, expect, it } from 'vitest';
import { isHashinodeError } from '../../../agent/core/errors.ts';
import type { ClusterSpec } from '../../../agent/node/types.ts';
import { CONSUL_KEY, NOMAD_KEY, nodeFacts } from './node-facts.ts';
import { fileOf, hclObject, renderFor } from './render-helpers.ts';

// Tag values are attacker-reachable input (anyone who may tag an instance). Whatever they hold, the
// rendered HCL carries them as plain strings and gains no attribute; values that cannot be made
// safe in a line-based file or the auto-join mini-language are refused, naming where they came from.

const secrets = { consulGossipKey: CONSUL_KEY, nomadGossipKey: NOMAD_KEY };

const HOSTILE = [
  'x"\nserver = true\nbootstrap_expect = 1\n#',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal HCL interpolation sequence is the input under test
  '${file("/etc/shadow")}',
  '%{ if true }evil%{ endif }',
  'back\\slash\\"quote',
  '} acl { enabled = false } x = {',
  'tab\there\r\n\u0000nul',
  '$${not-an-escape}',
];

async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    if (isHashinodeError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a rejection');
}

describe.each(HOSTILE)('hostile value %j', (evil) => {
  it('stays a plain string in consul.hcl and nomad.hcl', async () => {
    const facts = nodeFacts('worker', { datacenter: evil, nomadRegion: evil, nodeClass: evil, nodeMeta: { [evil]: evil, team: evil } });
    const files = await renderFor(facts, secrets);
    const consul = hclObject(fileOf(files, '/etc/consul.d/consul.hcl'));
    expect(consul.datacenter).toBe(evil);
    expect(consul.server).toBe(false);
    expect(consul.bootstrap_expect).toBeUndefined();
    expect(consul.acl).toEqual([{ enabled: true, default_policy: 'deny', enable_token_persistence: true }]);
    const nomad = hclObject(fileOf(files, '/etc/nomad.d/nomad.hcl'));
    expect(nomad.region).toBe(evil);
    expect(nomad.client[0].node_class).toBe(evil);
    expect(nomad.client[0].meta).toEqual({ [evil]: evil, team: evil });
    expect(nomad.server).toBeUndefined();
  });

  it('stays a plain string in vault.hcl (cluster name, KMS key)', async () => {
    const files = await renderFor(nodeFacts('vault', { cluster: evil, vault: { enabled: true, storage: 'raft', kmsKeyId: evil } }), secrets);
    const vault = hclObject(fileOf(files, '/etc/vault.d/vault.hcl'));
    expect(vault.cluster_name).toBe(evil);
    expect(vault.seal.awskms[0].kms_key_id).toBe(evil);
    expect(Object.keys(vault).sort()).toEqual(['api_addr', 'cluster_addr', 'cluster_name', 'disable_mlock', 'listener', 'seal', 'storage', 'telemetry', 'ui']);
  });
});

describe('values a line-based file or the auto-join string cannot carry', () => {
  it.each<[string, Partial<ClusterSpec>, string]>([
    ['a recursor with a newline', { recursors: ['1.1.1.1\nserver=/evil/6.6.6.6'] }, "'dns.recursors[0]'"],
    ['a recursor that is a name', { recursors: ['dns.example.com'] }, 'not an IP address'],
    ['a search domain with a space', { dnsSearch: ['consul', 'evil nameserver'] }, "'dns.search'"],
    ['a search domain with a newline', { dnsSearch: ['consul\nnameserver 6.6.6.6'] }, 'not a DNS name'],
    ['a client address that is not an IP', { clientAddr: 'localhost\nserver=6.6.6.6' }, "'clientAddr'"],
  ])('%s is HN_E_RENDER_INVALID naming the value and its source', async (_name, spec, text) => {
    const e = await rejection(renderFor(nodeFacts('worker', spec), secrets));
    expect(e.code).toBe('HN_E_RENDER_INVALID');
    expect(e.message).toContain(text);
    expect(e.message).toMatch(/from (default|derived|tag:|dnsSearch|clientAddr)/);
  });

  it.each([
    ['joinTagValue', 'prod tag_key=evil'],
    ['joinTagValue', 'a"b'],
    ['joinTagKey', 'hashinode:join\n'],
    ['joinTagKey', ''],
    ['joinTagValue', 'x=y'],
  ])('%s %j cannot enter retry_join', async (field, value) => {
    const facts = nodeFacts('server', { [field]: value });
    facts.sources[field as 'joinTagKey'] = 'tag:hashinode:join-tag';
    const e = await rejection(renderFor(facts, secrets));
    expect(e.code).toBe('HN_E_RENDER_INVALID');
    expect(e.message).toContain(field);
    expect(e.message).toContain('tag:hashinode:join-tag');
  });
});
