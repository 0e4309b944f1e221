import { describe, expect, it } from 'vitest';
import { authorizer, GLOBAL_MANAGEMENT_ID, initialAclData, newToken } from '../../fakes/standins/consul/acl.ts';
import { parseRules, ruleAllows } from '../../fakes/standins/consul/rules.ts';
import { parseJoinEntry } from '../../fakes/standins/cluster/join.ts';
import { unknownKeys } from '../../fakes/standins/config/schema.ts';
import { CONSUL_SCHEMA } from '../../fakes/standins/consul/schema.ts';

describe('consul ACL rules', () => {
  const rules = parseRules(`
node_prefix "" { policy = "read" }
node "web-1" { policy = "write" }
node_prefix "db-" { policy = "deny" }
agent_prefix "" { policy = "read" }
acl = "write"
`);
  it.each([
    ['node', 'web-2', 'read', true],
    ['node', 'web-2', 'write', false],
    ['node', 'web-1', 'write', true],
    ['node', 'db-1', 'read', false],
    ['agent', 'x', 'read', true],
    ['agent', 'x', 'write', false],
    ['acl', '', 'write', true],
  ] as const)('%s "%s" %s -> %s', (resource, name, access, allowed) => {
    expect(ruleAllows(rules, resource, name, access)).toBe(allowed);
  });

  it('leaves resources without a rule to the default policy', () => {
    const data = initialAclData();
    const anon = Object.values(data.tokens)[0]!;
    expect(authorizer(data, anon, 'deny', 'dc1').allows('node', 'n', 'read')).toBe(false);
    expect(authorizer(data, anon, 'allow', 'dc1').allows('node', 'n', 'read')).toBe(true);
  });

  it('gives a management token everything and a node identity write on its own node only', () => {
    const data = initialAclData();
    const mgmt = newToken({ Description: 'm', Policies: [{ ID: GLOBAL_MANAGEMENT_ID, Name: 'global-management' }] }, 2);
    expect(authorizer(data, mgmt, 'deny', 'dc1').allows('acl', '', 'write')).toBe(true);
    const agent = newToken({ Description: 'a', NodeIdentities: [{ NodeName: 'n1', Datacenter: 'dc1' }] }, 3);
    const authz = authorizer(data, agent, 'deny', 'dc1');
    expect(authz.allows('node', 'n1', 'write')).toBe(true);
    expect(authz.allows('node', 'n2', 'write')).toBe(false);
    expect(authz.allows('service', 'any', 'read')).toBe(true);
  });
});

describe('retry_join entries', () => {
  it.each([
    ['10.0.0.5', { kind: 'addr', host: '10.0.0.5' }],
    ['10.0.0.5:8301', { kind: 'addr', host: '10.0.0.5' }],
    ['provider=aws tag_key=hashinode:join tag_value=prod', { kind: 'aws', tagKey: 'hashinode:join', tagValue: 'prod', addrType: 'private_v4' }],
    ['provider=aws region=eu-west-1 tag_key=k tag_value=v', { kind: 'aws', region: 'eu-west-1', tagKey: 'k', tagValue: 'v' }],
  ])('parses %s', (entry, expected) => {
    expect(parseJoinEntry(entry)).toMatchObject(expected);
  });

  it.each([
    ['provider=gce tag_value=x', /unknown provider gce/],
    ['provider=aws tag_key=k', /tag_key and tag_value are required/],
  ])('refuses %s', (entry, message) => {
    expect(() => parseJoinEntry(entry)).toThrow(message);
  });
});

describe('config key schema', () => {
  it('reports unknown keys with their full path and accepts open blocks', () => {
    const data = { acl: { enabled: true, tokens: { agent: 'x', agnet: 'y' } }, telemetry: { anything: 1 }, bogus: 1 };
    expect(unknownKeys(data, CONSUL_SCHEMA)).toEqual(['acl.tokens.agnet', 'bogus']);
  });
});
