import { describe, expect, it } from 'vitest';
import type { HashinodeError } from '../../../agent/core/errors.ts';
import { parseEnvFile } from '../../../agent/node/env-file.ts';
import { ENV_KEYS, internalDomain, mergeSpec, type SpecInputs } from '../../../agent/node/spec.ts';

const ENV = '/etc/hashinode/hashinode.env';
const DOLLAR = '$';
const BASE_TAGS = { 'hashinode:cluster': 'demo', 'hashinode:roles': 'nomad-client' };

function merge(over: Partial<SpecInputs> & { envText?: string } = {}) {
  const { envText, ...rest } = over;
  return mergeSpec({
    flags: {},
    env: envText === undefined ? null : parseEnvFile(envText, ENV, ENV_KEYS),
    tags: BASE_TAGS,
    instance: { region: 'eu-west-1' },
    ...rest,
  });
}

function failure(over: Parameters<typeof merge>[0]): HashinodeError {
  try {
    merge(over);
  } catch (err) {
    return err as HashinodeError;
  }
  throw new Error('expected the spec to be rejected');
}

describe('spec defaults and sources', () => {
  it('fills every default and names where each value came from', () => {
    const { spec, sources, warnings } = merge();
    expect(spec).toEqual({
      cluster: 'demo',
      roles: ['consul-client', 'nomad-client'],
      datacenter: 'dc1',
      nomadRegion: 'global',
      nomadDatacenter: 'dc1',
      consulServers: 3,
      nomadServers: 3,
      joinTagKey: 'hashinode:cluster',
      joinTagValue: 'demo',
      efs: 'discover',
      clientAddr: '127.0.0.1',
      dnsSearch: ['eu-west-1.compute.internal', 'consul'],
      recursors: ['169.254.169.253'],
      nodeClass: null,
      nodeMeta: {},
      vault: { enabled: false, storage: 'raft', kmsKeyId: null },
    });
    expect(sources).toEqual({
      cluster: 'tag:hashinode:cluster',
      roles: 'tag:hashinode:roles',
      datacenter: 'default',
      nomadRegion: 'default',
      nomadDatacenter: 'derived',
      consulServers: 'default',
      nomadServers: 'default',
      joinTagKey: 'default',
      joinTagValue: 'derived',
      efs: 'default',
      clientAddr: 'default',
      dnsSearch: 'imds',
      recursors: 'default',
      nodeClass: 'default',
      nodeMeta: 'default',
      vault: 'default',
      vaultStorage: 'default',
      vaultKmsKey: 'default',
    });
    expect(warnings).toEqual([]);
  });

  it.each([
    ['us-east-1', 'ec2.internal'],
    ['eu-west-1', 'eu-west-1.compute.internal'],
    ['ap-southeast-2', 'ap-southeast-2.compute.internal'],
  ])('the default search domain in %s is %s', (region, domain) => {
    expect(internalDomain(region)).toBe(domain);
    expect(merge({ instance: { region } }).spec.dnsSearch).toEqual([domain, 'consul']);
  });

  it('derives the Nomad datacenter from the Consul one, and the join tag value from the cluster', () => {
    const { spec, sources } = merge({ flags: { datacenter: 'east', cluster: 'prod' } });
    expect([spec.nomadDatacenter, sources.nomadDatacenter]).toEqual(['east', 'derived']);
    expect([spec.joinTagValue, sources.joinTagValue]).toEqual(['prod', 'derived']);
  });
});

describe('precedence: flags > env file > tags > defaults', () => {
  const tags = { ...BASE_TAGS, 'hashinode:datacenter': 'from-tag' };
  const envText = '# seed\nHASHINODE_DATACENTER=from-env\n';
  it.each([
    [{ datacenter: 'from-flag' }, envText, 'from-flag', 'flag'],
    [{}, envText, 'from-env', `env:${ENV}:2`],
    [{}, '', 'from-tag', 'tag:hashinode:datacenter'],
  ])('flags %j with env %j -> %s (%s)', (flags, env, value, source) => {
    const { spec, sources } = merge({ flags, envText: env, tags });
    expect(spec.datacenter).toBe(value);
    expect(sources.datacenter).toBe(source);
  });

  it('accepts flags by flag name or field name, and refuses an unknown one', () => {
    expect(merge({ flags: { 'consul-servers': '5' } }).spec.consulServers).toBe(5);
    expect(merge({ flags: { consulServers: '5' } }).spec.consulServers).toBe(5);
    expect(() => merge({ flags: { 'consul-severs': '5' } })).toThrow(expect.objectContaining({ code: 'HN_E_USAGE' }));
  });

  it('ignores flags given as undefined', () => {
    expect(merge({ flags: { datacenter: undefined } }).sources.datacenter).toBe('default');
  });
});

describe('required fields', () => {
  it('a missing cluster name names every place it could come from', () => {
    const err = failure({ tags: { 'hashinode:roles': 'nomad-client' }, envText: '' });
    expect(err.code).toBe('HN_E_SPEC_INVALID');
    expect(err.exitCode).toBe(11);
    expect(err.message).toContain(`the cluster name is not set: give --cluster NAME, HASHINODE_CLUSTER=NAME in ${ENV}, or the instance tag hashinode:cluster`);
  });

  it('missing roles are an error too (a server must never silently become a worker)', () => {
    expect(failure({ tags: { 'hashinode:cluster': 'demo' } }).message).toContain('--roles LIST, HASHINODE_ROLES=LIST');
  });
});

describe('roles', () => {
  it.each([
    ['nomad-client', ['consul-client', 'nomad-client']],
    ['consul-server,nomad-server', ['consul-server', 'nomad-server']],
    ['consul-server, consul-client', ['consul-server']],
    ['vault-server', ['consul-client', 'vault-server']],
    ['nomad-server nomad-client nomad-client', ['consul-client', 'nomad-server', 'nomad-client']],
  ])('%j -> %j', (roles, expected) => {
    expect(merge({ flags: { roles } }).spec.roles).toEqual(expected);
  });

  it('an unknown role names the key, the source and the allowed roles', () => {
    const err = failure({ tags: { ...BASE_TAGS, 'hashinode:roles': 'consul-server,nomad-sever' } });
    expect(err.message).toContain('tag hashinode:roles = "consul-server,nomad-sever" is not allowed');
    expect(err.message).toContain('consul-server, consul-client, nomad-server, nomad-client, vault-server');
    expect(err.message).toContain('(unknown: "nomad-sever")');
  });
});

describe('server counts', () => {
  it.each(['0', '10', '3.0', 'three', '-1', ''])('rejects %j', (n) => {
    expect(failure({ envText: `HASHINODE_CONSUL_SERVERS=${n}` }).message).toContain(
      `HASHINODE_CONSUL_SERVERS (env:${ENV}:1) = ${JSON.stringify(n)} is not allowed: expected an integer from 1 to 9`,
    );
  });

  it('warns on an even count', () => {
    const { spec, warnings } = merge({ flags: { 'nomad-servers': '4' } });
    expect(spec.nomadServers).toBe(4);
    expect(warnings).toEqual(['nomad server count 4 (flag) is even: it tolerates no more failures than 3; use an odd number']);
  });
});

describe('hostile tag values', () => {
  const HOSTILE = {
    quotes: 'a"b',
    newline: 'a\n"b',
    interpolation: DOLLAR + '{var.x}',
    long: 'a'.repeat(300),
    nonAscii: 'zürich',
  };
  const STRICT = [
    'cluster',
    'roles',
    'datacenter',
    'nomad-region',
    'nomad-datacenter',
    'consul-servers',
    'join-tag-key',
    'join-tag-value',
    'efs',
    'client-addr',
    'dns-search',
    'recursors',
    'node-class',
    'vault',
    'vault-storage',
    'vault-kms-key',
  ];
  const cases = STRICT.flatMap((field) => Object.entries(HOSTILE).map(([kind, value]) => [field, kind, value] as const));
  it.each(cases)('tag hashinode:%s with %s is rejected, naming the tag', (field, _kind, value) => {
    const err = failure({ tags: { ...BASE_TAGS, [`hashinode:${field}`]: value } });
    expect(err.code).toBe('HN_E_SPEC_INVALID');
    expect(err.message).toContain(`tag hashinode:${field} = ${JSON.stringify(value).slice(0, 20)}`);
    expect(err.message).toContain('is not allowed: expected');
  });

  it('node meta values are data: kept verbatim whatever they contain (up to 256 characters)', () => {
    const tags = { ...BASE_TAGS, ...Object.fromEntries(Object.entries({ ...HOSTILE, long: 'é'.repeat(256) }).map(([k, v]) => [`hashinode:meta:${k}`, v])) };
    const { spec, sources } = merge({ tags });
    expect(spec.nodeMeta).toEqual({ interpolation: DOLLAR + '{var.x}', long: 'é'.repeat(256), newline: 'a\n"b', nonAscii: 'zürich', quotes: 'a"b' });
    expect(sources.nodeMeta).toMatch(/^tag:hashinode:meta:/);
  });

  it('a meta value over 256 characters or a meta key with odd characters is rejected, naming the tag', () => {
    const long = failure({ tags: { ...BASE_TAGS, 'hashinode:meta:big': 'x'.repeat(257) } });
    expect(long.message).toContain('tag hashinode:meta:big = "xxxx');
    expect(long.message).toContain('at most 256 characters');
    const bad = 'a' + DOLLAR + '{b}';
    const key = failure({ tags: { ...BASE_TAGS, [`hashinode:meta:${bad}`]: 'x' } });
    expect(key.message).toContain(`tag hashinode:meta:${bad}: "${bad}" is not allowed as a meta key`);
  });

  it('env/flag node-meta lists override tag meta key by key', () => {
    const { spec, sources } = merge({
      tags: { ...BASE_TAGS, 'hashinode:meta:team': 'web', 'hashinode:meta:tier': 'gold' },
      envText: 'HASHINODE_NODE_META=team=api,zone=b',
    });
    expect(spec.nodeMeta).toEqual({ team: 'api', tier: 'gold', zone: 'b' });
    expect(sources.nodeMeta).toBe(`env:${ENV}:1`);
    expect(failure({ flags: { 'node-meta': 'novalue' } }).message).toContain('--node-meta = "novalue" is not allowed');
  });

  it('collects every problem into one error', () => {
    const err = failure({ tags: { 'hashinode:roles': 'x', 'hashinode:efs': 'nope' }, flags: { 'client-addr': '1.2.3' } });
    const lines = err.message.split('\n').slice(1);
    expect(lines).toHaveLength(4);
    expect(err.message).toContain('--client-addr = "1.2.3" is not allowed: expected an IPv4 or IPv6 address');
    expect(err.message).toContain('tag hashinode:efs = "nope" is not allowed: expected an EFS file-system id');
  });
});

describe('field formats', () => {
  it.each([
    ['efs', 'fs-12345678', true],
    ['efs', 'fs-0123456789abcdef0', true],
    ['efs', 'discover', true],
    ['efs', 'fs-1234567', false],
    ['efs', 'fs-ABCDEF12', false],
    ['vault-kms-key', '1234abcd-12ab-34cd-56ef-1234567890ab', true],
    ['vault-kms-key', 'mrk-1234abcd12ab34cd56ef1234567890ab', true],
    ['vault-kms-key', 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab', true],
    ['vault-kms-key', 'alias/vault-unseal', true],
    ['vault-kms-key', 'arn:aws-us-gov:kms:us-gov-west-1:123456789012:alias/vault', true],
    ['vault-kms-key', 'arn:aws:kms:eu-west-1:12345:key/x', false],
    ['client-addr', '127.0.1.5', true],
    ['client-addr', '::1', true],
    ['client-addr', '0.0.0.0/0', false],
    ['recursors', '10.0.0.2, 1.1.1.1', true],
    ['recursors', '10.0.0.2,dns.google', false],
    ['dns-search', 'a.internal consul', true],
    ['dns-search', 'a b c d e f g', false],
    ['dns-search', '-bad.example', false],
    ['join-tag-key', 'aws:autoscaling:groupName', false],
    ['join-tag-key', 'Cluster', true],
    ['cluster', 'Demo', false],
    ['cluster', 'demo-1_a', true],
    ['cluster', 'a'.repeat(63), true],
    ['cluster', 'a'.repeat(64), false],
    ['vault-storage', 'consul', true],
    ['vault-storage', 'file', false],
  ])('--%s %j accepted: %s', (flag, value, accepted) => {
    const flags = { [flag]: value, ...(flag.startsWith('vault-') ? { vault: 'true' } : {}) };
    if (accepted) expect(() => merge({ flags })).not.toThrow();
    else expect(failure({ flags }).message).toContain(`--${flag} = `);
  });
});

describe('vault', () => {
  it('is enabled on vault-server nodes (derived), and its KMS key kept', () => {
    const { spec, sources } = merge({ flags: { roles: 'vault-server', 'vault-kms-key': 'alias/unseal' } });
    expect(spec.vault).toEqual({ enabled: true, storage: 'raft', kmsKeyId: 'alias/unseal' });
    expect(sources.vault).toBe('derived');
    expect(sources.vaultKmsKey).toBe('flag');
  });

  it('can be enabled for a worker (Nomad needs to know), and refuses vault=false on a vault-server', () => {
    expect(merge({ tags: { ...BASE_TAGS, 'hashinode:vault': 'yes' } }).spec.vault.enabled).toBe(true);
    expect(failure({ flags: { roles: 'vault-server', vault: 'false' } }).message).toContain('roles include vault-server (flag) but vault is false (flag)');
  });

  it('warns and drops a KMS key when Vault is off', () => {
    const { spec, warnings } = merge({ flags: { 'vault-kms-key': 'alias/x' } });
    expect(spec.vault.kmsKeyId).toBeNull();
    expect(warnings[0]).toContain('vault-kms-key is set (flag) but Vault is not enabled');
  });
});

describe('the auto-join tag', () => {
  it.each([
    [{ cluster: 'prod' }, 'has hashinode:cluster="demo"'],
    [{ 'join-tag-key': 'Cluster' }, 'does not have it'],
  ])('warns when this instance does not carry it (%j)', (flags, text) => {
    const { warnings } = merge({ flags });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('cloud auto-join looks for the tag');
    expect(warnings[0]).toContain(text);
  });
});

describe('unknown hashinode tags', () => {
  it('warns with the nearest known tag and ignores it; other tags are not the spec\'s business', () => {
    const { warnings } = merge({ tags: { ...BASE_TAGS, 'hashinode:consul-server': '5', 'hashinode:zzzzzz': '1', Name: 'web' } });
    expect(warnings).toEqual([
      'unknown instance tag hashinode:consul-server (did you mean hashinode:consul-servers?); it is ignored',
      'unknown instance tag hashinode:zzzzzz; it is ignored',
    ]);
  });
});
