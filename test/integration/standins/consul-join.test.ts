import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeHttp } from '../../../agent/core/http.ts';
import { type FakeEc2, startFakeEc2 } from '../../fakes/ec2.ts';
import { eventually, loopbackBlock, type StandinProcess, startStandin } from '../../fakes/standins/spawn.ts';
import { tempDir } from '../../helpers/tmp.ts';

// Cloud auto-join through a real DescribeInstances call to the fake EC2 endpoint, gossip keys
// that must match, and a client's graceful leave on SIGTERM.

const ip = loopbackBlock();
const KEY = 'pUqJrVyVRj5jsiYEkM/tFQYfWyJIv4s3XkvDwy7Cu5s=';
const OTHER_KEY = 'Z3Vlc3Mgd2hhdCwgYSBkaWZmZXJlbnQga2V5IQAAAAA=';
const procs: StandinProcess[] = [];
let ec2: FakeEc2 | undefined;
afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop('SIGKILL')));
  await ec2?.close();
});

function config(root: string, name: string, body: string): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'consul.hcl'), `node_name = "${name}"\ndata_dir = "${root}/${name}-data"\n${body}`);
  return dir;
}

const members = async (n: number) =>
  JSON.parse((await nodeHttp.request({ method: 'GET', url: `http://${ip(n)}:8500/v1/agent/members`, timeoutMs: 10_000 })).body) as { Name: string; Status: number }[];

describe('consul stand-in joining', () => {
  it('finds servers with provider=aws, refuses a wrong gossip key, and a client leaves gracefully', async () => {
    const root = await tempDir('standin-join-');
    ec2 = await startFakeEc2({
      instances: [
        { instanceId: 'i-1', state: 'running', privateIp: ip(1), tags: { 'hashinode:join': 'test' } },
        { instanceId: 'i-2', state: 'running', privateIp: ip(2), tags: { 'hashinode:join': 'test' } },
        { instanceId: 'i-9', state: 'stopped', privateIp: ip(9), tags: { 'hashinode:join': 'test' } },
      ],
    });
    const env = {
      HASHINODE_SIM_STATE_DIR: path.join(root, 'state'),
      HASHINODE_SIM_RETRY_INTERVAL_MS: '300',
      AWS_ENDPOINT_URL_EC2: ec2.url,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
    };
    const join = 'retry_join = ["provider=aws tag_key=hashinode:join tag_value=test"]';
    for (const n of [1, 2]) {
      const body = `server = true\nbootstrap_expect = 2\nbind_addr = "${ip(n)}"\nclient_addr = "${ip(n)}"\nencrypt = "${KEY}"\n${join}\n`;
      procs.push(startStandin('consul', ['agent', `-config-dir=${config(root, `srv-${n}`, body)}`], env));
    }
    await eventually(async () => {
      const r = await nodeHttp.request({ method: 'GET', url: `http://${ip(1)}:8500/v1/status/leader`, timeoutMs: 10_000 });
      return JSON.parse(r.body) ? true : undefined;
    }, 'a leader through cloud auto-join', 60_000);
    expect(ec2.calls).toContain('DescribeInstances');

    const wrong = startStandin('consul', ['agent', `-config-dir=${config(root, 'cli-wrong', `bind_addr = "${ip(3)}"\nclient_addr = "${ip(3)}"\nencrypt = "${OTHER_KEY}"\n${join}\n`)}`], env);
    const good = startStandin('consul', ['agent', `-config-dir=${config(root, 'cli-good', `bind_addr = "${ip(4)}"\nclient_addr = "${ip(4)}"\nencrypt = "${KEY}"\n${join}\n`)}`], env);
    procs.push(wrong, good);
    await wrong.waitFor(/No installed keys could decrypt the message/);
    await eventually(async () => ((await members(1)).some((m) => m.Name === 'cli-good' && m.Status === 1) ? true : undefined), 'cli-good joined');
    expect((await members(1)).map((m) => m.Name)).not.toContain('cli-wrong');

    // Clients leave on SIGTERM by default (leave_on_terminate): they show as left (3), not failed.
    expect(await good.stop('SIGTERM')).toBe(0);
    await eventually(async () => ((await members(1)).some((m) => m.Name === 'cli-good' && m.Status === 3) ? true : undefined), 'cli-good left');
  }, 120_000);
});
