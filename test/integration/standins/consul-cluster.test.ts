import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeHttp } from '../../../agent/core/http.ts';
import { eventually, loopbackBlock, type StandinProcess, startStandin } from '../../fakes/standins/spawn.ts';
import { tempDir } from '../../helpers/tmp.ts';

// Three real stand-in processes on loopback addresses: no leader until the third server joins,
// exactly one leader after, ACL bootstrap once, and a new leader when the leader is killed.

const ip = loopbackBlock();
const SECRET = '6c4b7d0e-2f1a-4b5c-9d8e-0a1b2c3d4e5f';
const procs: StandinProcess[] = [];

afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop('SIGKILL')));
});

async function get(n: number, p: string, token?: string) {
  return nodeHttp.request({ method: 'GET', url: `http://${ip(n)}:8500${p}`, headers: token ? { 'X-Consul-Token': token } : {}, timeoutMs: 10_000 });
}

function writeServer(root: string, n: number): string {
  const dir = path.join(root, `s${n}`, 'consul.d');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'consul.hcl'),
    `datacenter = "dc1"
node_name = "server-${n}"
data_dir = "${path.join(root, `s${n}`, 'data')}"
server = true
bootstrap_expect = 3
bind_addr = "${ip(n)}"
client_addr = "${ip(n)}"
retry_join = ["${ip(1)}", "${ip(2)}", "${ip(3)}"]
acl {
  enabled = true
  default_policy = "deny"
  enable_token_persistence = true
}
`,
  );
  writeFileSync(path.join(dir, 'encrypt.hcl'), 'encrypt = "pUqJrVyVRj5jsiYEkM/tFQYfWyJIv4s3XkvDwy7Cu5s="\n');
  return dir;
}

async function leaders(ns: number[]): Promise<string[]> {
  return Promise.all(ns.map(async (n) => JSON.parse((await get(n, '/v1/status/leader')).body) as string));
}

describe('consul stand-in cluster', () => {
  it('elects one leader only after bootstrap_expect servers joined, bootstraps ACLs once, and re-elects', async () => {
    const root = await tempDir('standin-consul-');
    const env = { HASHINODE_SIM_STATE_DIR: path.join(root, 'state'), HASHINODE_SIM_RETRY_INTERVAL_MS: '300' };
    const start = (n: number) => {
      const p = startStandin('consul', ['agent', `-config-dir=${writeServer(root, n)}`], env);
      procs.push(p);
      return p;
    };
    const [s1, s2] = [start(1), start(2)];
    await Promise.all([s1.waitFor(/Consul agent running!/), s2.waitFor(/Consul agent running!/)]);
    await s2.waitFor(/Join cluster completed/);
    // Two of three expected servers have met: still no leader, and writes fail.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await leaders([1, 2])).toEqual(['', '']);
    const early = await nodeHttp.request({ method: 'PUT', url: `http://${ip(1)}:8500/v1/acl/bootstrap`, body: '{}' });
    expect(early.status).toBe(500);
    expect(early.body).toContain('No cluster leader');

    start(3);
    const agreed = await eventually(async () => {
      const ls = await leaders([1, 2, 3]);
      return ls[0] && ls.every((l) => l === ls[0]) ? ls[0] : undefined;
    }, 'one leader seen by all three');
    expect([`${ip(1)}:8300`, `${ip(2)}:8300`, `${ip(3)}:8300`]).toContain(agreed);
    expect(JSON.parse((await get(2, '/v1/status/peers')).body)).toHaveLength(3);

    // ACL bootstrap with a caller-chosen secret, exactly once.
    const boot = await nodeHttp.request({ method: 'PUT', url: `http://${ip(2)}:8500/v1/acl/bootstrap`, body: JSON.stringify({ BootstrapSecret: SECRET }) });
    expect(boot.status).toBe(200);
    expect(JSON.parse(boot.body)).toMatchObject({ SecretID: SECRET, Description: 'Bootstrap Token (Global Management)' });
    const again = await nodeHttp.request({ method: 'PUT', url: `http://${ip(3)}:8500/v1/acl/bootstrap`, body: '{}' });
    expect(again.status).toBe(403);
    expect(again.body).toMatch(/^Permission denied: ACL bootstrap no longer allowed \(reset index: \d+\)$/);

    const self = await get(1, '/v1/acl/token/self', SECRET);
    expect(self.status).toBe(200);
    expect(JSON.parse(self.body).Policies[0].Name).toBe('global-management');
    expect((await get(1, '/v1/acl/token/self', '00000000-0000-0000-0000-00000000dead')).status).toBe(403);

    // Default deny: the anonymous token may not read the agent, and sees no nodes.
    const anonSelf = await get(1, '/v1/agent/self');
    expect(anonSelf.status).toBe(403);
    expect(anonSelf.body).toContain("lacks permission 'agent:read'");
    const anonNodes = await get(1, '/v1/catalog/nodes');
    expect(JSON.parse(anonNodes.body)).toEqual([]);
    expect(anonNodes.headers['x-consul-results-filtered-by-acls']).toBe('true');
    expect(JSON.parse((await get(1, '/v1/catalog/nodes', SECRET)).body)).toHaveLength(3);

    // Agent token through the API, persisted in the data dir.
    const setToken = await nodeHttp.request({
      method: 'PUT',
      url: `http://${ip(1)}:8500/v1/agent/token/agent`,
      headers: { 'X-Consul-Token': SECRET },
      body: JSON.stringify({ Token: SECRET }),
    });
    expect(setToken.status).toBe(200);

    // Kill the leader: the two others still form a quorum and elect a new one.
    const leaderIndex = [1, 2, 3].find((n) => agreed === `${ip(n)}:8300`)!;
    await procs[leaderIndex - 1]!.stop('SIGKILL');
    const rest = [1, 2, 3].filter((n) => n !== leaderIndex);
    const next = await eventually(async () => {
      const ls = await leaders(rest);
      return ls[0] && ls[0] !== agreed && ls.every((l) => l === ls[0]) ? ls[0] : undefined;
    }, 'a new leader after the old one died');
    expect(next).not.toBe(agreed);
    // The replicated ACL state survived the leader change.
    expect((await get(rest[0]!, '/v1/acl/token/self', SECRET)).status).toBe(200);
  }, 120_000);
});
