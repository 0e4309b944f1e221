import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { imdsEndpoint, IDENTITY_OPTIONS } from '../../../agent/cli/identity-options.ts';
import { readFactsFile, validateFactsJson } from '../../../agent/node/facts-file.ts';
import { factsTable } from '../../../agent/node/facts-table.ts';
import { mergeSpec } from '../../../agent/node/spec.ts';
import type { NodeFacts } from '../../../agent/node/types.ts';
import { tempDir } from '../../helpers/tmp.ts';

const instance = {
  instanceId: 'i-0123456789abcdef0',
  region: 'eu-west-1',
  availabilityZone: 'eu-west-1a',
  privateIp: '10.0.1.10',
  mac: '0a:1b:2c:3d:4e:5f',
  subnetId: 'subnet-1',
  vpcId: 'vpc-1',
  instanceType: 't4g.small',
  amiId: 'ami-1',
  iamRole: null,
};
const tags = { 'hashinode:cluster': 'demo', 'hashinode:roles': 'nomad-client', evil: 'a\u001b[31mred\nnext' };

function facts(): NodeFacts {
  const { spec, sources } = mergeSpec({ flags: {}, env: null, tags, instance });
  return { instance, tags, spec, sources };
}

describe('facts table', () => {
  it('shows instance, spec with sources and tags; terminal escapes and newlines are quoted', () => {
    const text = factsTable(facts());
    expect(text).toContain('  iam-role           (none)\n');
    expect(text).toMatch(/^ {2}roles +consul-client,nomad-client +tag:hashinode:roles$/m);
    expect(text).toMatch(/^ {2}node-class +\(none\) +default$/m);
    expect(text).toContain('evil               "a\\u001b[31mred\\nnext"');
    expect(text).not.toContain('\u001b');
  });
});

describe('facts file', () => {
  it('accepts what facts --json prints', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'f.json');
    await writeFile(file, JSON.stringify(facts()));
    expect(await readFactsFile(file)).toEqual(facts());
  });

  it.each([
    ['not JSON', '{', 'is not JSON'],
    ['missing part', JSON.stringify({ instance, tags }), 'spec is missing or not an object'],
    ['bad instance', JSON.stringify({ ...facts(), instance: { ...instance, region: 5 } }), 'instance.region is not a string'],
    ['bad spec value', JSON.stringify({ ...facts(), spec: { ...facts().spec, efs: 'fs-x' } }), 'spec.efs = "fs-x" is not allowed'],
    ['bad meta key', JSON.stringify({ ...facts(), spec: { ...facts().spec, nodeMeta: { 'a b': 'x' } } }), 'spec.nodeMeta.a b is not allowed'],
  ])('rejects %s with HN_E_SPEC_INVALID', async (_name, text, message) => {
    const dir = await tempDir();
    const file = path.join(dir, 'f.json');
    await writeFile(file, text);
    await expect(readFactsFile(file)).rejects.toMatchObject({ code: 'HN_E_SPEC_INVALID', message: expect.stringContaining(message) });
  });

  it('names a missing file with HN_E_FILE_READ', async () => {
    await expect(readFactsFile('/nonexistent/facts.json')).rejects.toMatchObject({ code: 'HN_E_FILE_READ' });
    expect(() => validateFactsJson(null, 'x.json')).toThrow(/x.json: not a JSON object/);
  });
});

describe('identity options', () => {
  it('offers the endpoints, env file, facts file and one flag per spec field', () => {
    for (const flag of ['imds-endpoint', 'imds-ipv6', 'aws-endpoint', 'env-file', 'facts', 'cluster', 'roles', 'consul-servers', 'node-meta', 'vault-kms-key']) {
      expect(IDENTITY_OPTIONS[flag], flag).toBeDefined();
    }
  });

  it.each([
    [{}, 'http://169.254.169.254'],
    [{ 'imds-ipv6': true }, 'http://[fd00:ec2::254]'],
    [{ 'imds-endpoint': 'http://127.0.0.1:9' }, 'http://127.0.0.1:9'],
  ])('%j selects %s', (values, url) => {
    expect(imdsEndpoint({ values })).toBe(url);
  });

  it('refuses a non-URL endpoint', () => {
    expect(() => imdsEndpoint({ values: { 'imds-endpoint': '169.254.169.254' } })).toThrow(/--imds-endpoint must be a URL/);
  });
});
