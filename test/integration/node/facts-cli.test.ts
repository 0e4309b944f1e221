import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeEc2, startFakeEc2 } from '../../fakes/ec2.ts';
import { type FakeImds, startFakeImds } from '../../fakes/imds.ts';
import { runCli, runMain } from '../../helpers/cli.ts';
import { tempDir } from '../../helpers/tmp.ts';

const ROLE_KEY = 'ASIAFACTSCLIROLE';
/** A tag value that would be an interpolation if a template took it for code. */
const OWNER = 'team "blue"\n$' + '{x}';
const TAGS = {
  'hashinode:cluster': 'demo',
  'hashinode:roles': 'consul-server,nomad-server',
  'hashinode:consul-servers': '3',
  'hashinode:meta:owner': OWNER,
  Name: 'demo-server-1',
};

let imds: FakeImds;
let ec2: FakeEc2;
let root: string;

beforeEach(async () => {
  delete process.env.AWS_ACCESS_KEY_ID;
  delete process.env.AWS_SECRET_ACCESS_KEY;
  imds = await startFakeImds({ tags: TAGS, credentials: { accessKeyId: ROLE_KEY }, instance: { region: 'us-east-1', availabilityZone: 'us-east-1c' } });
  ec2 = await startFakeEc2({
    maxPageSize: 2,
    accessKeyIds: [ROLE_KEY],
    instances: [{ instanceId: imds.instance.instanceId, state: 'running', privateIp: imds.instance.privateIp, tags: TAGS }],
  });
  root = await tempDir();
});
afterEach(async () => {
  await imds.close();
  await ec2.close();
});

describe('hashinode facts (must show)', () => {
  it('--json against the fake IMDS prints exactly {instance, tags, spec, sources}; with tags off and --aws-endpoint the same tags come from DescribeTags', async () => {
    const env = { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', HASHINODE_LOG_LEVEL: 'silent' };
    const viaImds = await runCli(['facts', '--json', '--imds-endpoint', imds.url, '--root', root], { env, timeoutMs: 60_000 });
    expect(viaImds.stderr).toBe('');
    expect(viaImds.code).toBe(0);
    const facts = JSON.parse(viaImds.stdout);
    expect(Object.keys(facts)).toEqual(['instance', 'tags', 'spec', 'sources']);
    expect(facts.instance).toEqual({
      instanceId: 'i-0123456789abcdef0',
      region: 'us-east-1',
      availabilityZone: 'us-east-1c',
      privateIp: '10.0.1.10',
      mac: '0a:1b:2c:3d:4e:5f',
      subnetId: 'subnet-0a1b2c3d4e5f60718',
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      instanceType: 't4g.small',
      amiId: 'ami-0a1b2c3d4e5f60718',
      iamRole: 'hashinode-node',
    });
    expect(facts.tags).toEqual(TAGS);
    expect(facts.spec).toMatchObject({
      cluster: 'demo',
      roles: ['consul-server', 'nomad-server'],
      dnsSearch: ['ec2.internal', 'consul'],
      nodeMeta: { owner: OWNER },
    });
    expect(facts.sources).toMatchObject({ cluster: 'tag:hashinode:cluster', consulServers: 'tag:hashinode:consul-servers', datacenter: 'default', dnsSearch: 'imds' });
    expect(ec2.calls).toEqual([]);

    imds.setTagsEnabled(false);
    const viaApi = await runCli(['facts', '--json', '--imds-endpoint', imds.url, '--aws-endpoint', ec2.url, '--root', root], { env, timeoutMs: 60_000 });
    expect(viaApi.code).toBe(0);
    expect(JSON.parse(viaApi.stdout)).toEqual(facts);
    expect(ec2.calls).toEqual(['DescribeTags', 'DescribeTags', 'DescribeTags']);
    expect(ec2.requests.every((r) => r.accessKeyId === ROLE_KEY && r.region === 'us-east-1')).toBe(true);
  });
});

describe('hashinode facts', () => {
  it('prints a readable table: instance, spec fields with sources, tags (control characters quoted)', async () => {
    const r = await runMain(['facts', '--imds-endpoint', imds.url, '--root', root]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Instance\n {2}instance-id +i-0123456789abcdef0\n/);
    expect(r.stdout).toMatch(/^ {2}FIELD +VALUE +SOURCE$/m);
    expect(r.stdout).toMatch(/^ {2}cluster +demo +tag:hashinode:cluster$/m);
    expect(r.stdout).toMatch(/^ {2}datacenter +dc1 +default$/m);
    expect(r.stdout).toMatch(/^ {2}hashinode:meta:owner +"team \\"blue\\"\\n\$\{x\}"$/m);
    expect(r.stdout.split('\n').some((l) => l.includes('\r'))).toBe(false);
  });

  it('takes the env file under --root and flags, keeps warnings on stderr and stdout pure JSON', async () => {
    const envFile = path.join(root, 'etc/hashinode/hashinode.env');
    await mkdir(path.dirname(envFile), { recursive: true });
    await writeFile(envFile, '# seed\nHASHINODE_DATACENTER=east\nHASHINODE_NOMAD_REGON=eu\n');
    const r = await runMain(['facts', '--json', '--imds-endpoint', imds.url, '--root', root, '--nomad-servers', '4']);
    expect(r.code).toBe(0);
    const facts = JSON.parse(r.stdout);
    expect(facts.spec.datacenter).toBe('east');
    expect(facts.sources.datacenter).toBe(`env:${envFile}:2`);
    expect(facts.sources.nomadServers).toBe('flag');
    expect(r.stderr).toContain(`warning: ${envFile}:3: unknown key HASHINODE_NOMAD_REGON (did you mean HASHINODE_NOMAD_REGION?)`);
    expect(r.stderr).toContain('warning: nomad server count 4 (flag) is even');
  });

  it.each([
    ['an env file mistake', async () => ['--env-file', await badEnvFile()], 10, 'HN_E_ENV_FILE', ':2: not a KEY=VALUE assignment'],
    ['an unknown role', async () => ['--roles', 'consul-server,vault'], 11, 'HN_E_SPEC_INVALID', '--roles = "consul-server,vault" is not allowed'],
    ['IMDS disabled', async () => {
        imds.setDisabled(true);
        return [];
      }, 20, 'HN_E_IMDS_FORBIDDEN', 'IMDS is disabled or blocked for this instance'],
    ['two IMDS endpoints', async () => ['--imds-ipv6'], 2, 'HN_E_USAGE', '--imds-endpoint and --imds-ipv6 exclude each other'],
    ['a bad --aws-endpoint', async () => ['--aws-endpoint', 'ftp://x'], 2, 'HN_E_USAGE', '--aws-endpoint must be an http:// or https:// URL'],
  ])('exits with the error code on %s', async (_name, extra, code, errorCode, text) => {
    const r = await runMain(['facts', '--json', '--imds-endpoint', imds.url, '--root', root, ...(await extra())]);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`hashinode facts: ${errorCode}: `);
    expect(r.stderr).toContain(text);
  });

  it('--facts FILE replays saved facts offline (no IMDS), and refuses spec flags with it', async () => {
    const saved = await runMain(['facts', '--json', '--imds-endpoint', imds.url, '--root', root]);
    const file = path.join(root, 'facts.json');
    await writeFile(file, saved.stdout);
    await imds.close();
    const replay = await runMain(['facts', '--json', '--facts', file, '--root', root]);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toBe(saved.stdout);
    const mixed = await runMain(['facts', '--facts', file, '--cluster', 'x', '--root', root]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('--facts FILE holds an already merged spec; --cluster cannot change it');
    const broken = JSON.parse(saved.stdout);
    broken.spec.roles = ['consul-server', 'boss'];
    await writeFile(file, JSON.stringify(broken));
    const bad = await runMain(['facts', '--facts', file, '--root', root]);
    expect(bad.code).toBe(11);
    expect(bad.stderr).toContain('spec.roles = "consul-server,boss" is not allowed');
    imds = await startFakeImds(); // afterEach closes it
  });
});

async function badEnvFile(): Promise<string> {
  const p = path.join(root, 'bad.env');
  await writeFile(p, 'HASHINODE_CLUSTER=demo\nthis is not an assignment\n');
  return p;
}
