import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeHttp } from '../../../agent/core/http.ts';
import { eventually, loopbackBlock, type StandinProcess, startStandin } from '../../fakes/standins/spawn.ts';
import { tempDir } from '../../helpers/tmp.ts';

// A Nomad server (bootstrap_expect = 1, ACLs on) and a client that finds it: ACL bootstrap once
// then 400, anonymous requests denied, the client listed in /v1/nodes for a management token.

const ip = loopbackBlock();
const SECRET = '0f1e2d3c-4b5a-4968-8776-655443322110';
const procs: StandinProcess[] = [];
afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop('SIGKILL')));
});

function writeConfig(root: string, name: string, body: string): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'nomad.hcl'), `name = "${name}"\ndata_dir = "${root}/${name}-data"\n${body}`);
  return dir;
}

const req = (method: string, n: number, p: string, opts: { token?: string; body?: unknown } = {}) =>
  nodeHttp.request({
    method,
    url: `http://${ip(n)}:4646${p}`,
    headers: opts.token ? { 'X-Nomad-Token': opts.token } : {},
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    timeoutMs: 10_000,
  });

describe('nomad stand-in', () => {
  it('bootstraps ACLs once, denies anonymous reads and registers a client', async () => {
    const root = await tempDir('standin-nomad-');
    const env = { HASHINODE_SIM_STATE_DIR: path.join(root, 'state'), HASHINODE_SIM_RETRY_INTERVAL_MS: '300' };
    const server = writeConfig(root, 'nomad-s1', `bind_addr = "${ip(1)}"\nserver {\n  enabled = true\n  bootstrap_expect = 1\n}\nacl {\n  enabled = true\n}\n`);
    const client = writeConfig(root, 'nomad-c1', `bind_addr = "${ip(2)}"\nclient {\n  enabled = true\n  servers = ["${ip(1)}:4647"]\n}\nacl {\n  enabled = true\n}\n`);
    procs.push(startStandin('nomad', ['agent', `-config=${server}`], env), startStandin('nomad', ['agent', `-config=${client}`], env));
    const leader = await eventually(async () => {
      const r = await req('GET', 1, '/v1/status/leader');
      return r.status === 200 ? (JSON.parse(r.body) as string) : undefined;
    }, 'nomad leader');
    expect(leader).toBe(`${ip(1)}:4647`);

    const boot = await req('POST', 1, '/v1/acl/bootstrap', { body: { BootstrapSecret: SECRET } });
    expect(boot.status).toBe(200);
    expect(JSON.parse(boot.body)).toMatchObject({ SecretID: SECRET, Type: 'management', Name: 'Bootstrap Token' });
    const again = await req('POST', 1, '/v1/acl/bootstrap');
    expect(again.status).toBe(400);
    expect(again.body).toMatch(/^ACL bootstrap already done \(reset index: \d+\)$/);

    expect((await req('GET', 1, '/v1/acl/token/self', { token: SECRET })).status).toBe(200);
    expect((await req('GET', 1, '/v1/nodes')).status).toBe(403);

    const nodes = await eventually(async () => {
      const r = await req('GET', 1, '/v1/nodes', { token: SECRET });
      const list = JSON.parse(r.body) as { Name: string }[];
      return list.length ? list : undefined;
    }, 'the client registered');
    expect(nodes.map((n) => n.Name)).toEqual(['nomad-c1']);

    // A client token limited by policy reads nodes but cannot manage ACLs.
    expect((await req('POST', 1, '/v1/acl/policy/node-read', { token: SECRET, body: { Name: 'node-read', Rules: 'node {\n  policy = "read"\n}\n' } })).status).toBe(200);
    const tok = await req('POST', 1, '/v1/acl/token', { token: SECRET, body: { Name: 'reader', Type: 'client', Policies: ['node-read'] } });
    const reader = JSON.parse(tok.body).SecretID as string;
    expect((await req('GET', 1, '/v1/nodes', { token: reader })).status).toBe(200);
    expect((await req('POST', 1, '/v1/acl/token', { token: reader, body: { Name: 'x', Type: 'management' } })).status).toBe(403);
  }, 90_000);
});
