import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeHttp } from '../../../agent/core/http.ts';
import { eventually, loopbackBlock, type StandinProcess, startStandin } from '../../fakes/standins/spawn.ts';
import { tempDir } from '../../helpers/tmp.ts';

// The first-server dance as the workflow runs it: bootstrap alone (bootstrap_expect = 1, no
// retry_join), bootstrap ACLs, restart with the reverted config (bootstrap_expect = 3, retry_join):
// the server keeps leading with its raft state, the others join as voters, and the ACL state and
// the persisted agent token survive.

const ip = loopbackBlock();
const SECRET = '8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d';
const procs: StandinProcess[] = [];
afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop('SIGKILL')));
});

function writeConfig(root: string, n: number, phase: 'bootstrap' | 'final'): string {
  const dir = path.join(root, `s${n}`, 'consul.d');
  mkdirSync(dir, { recursive: true });
  const join = phase === 'final' ? `retry_join = ["${ip(1)}", "${ip(2)}", "${ip(3)}"]` : '# retry_join = []';
  writeFileSync(
    path.join(dir, 'consul.hcl'),
    `node_name = "srv-${n}"
data_dir = "${root}/s${n}/data"
server = true
bootstrap_expect = ${phase === 'bootstrap' ? 1 : 3}
bind_addr = "${ip(n)}"
client_addr = "${ip(n)}"
${join}
acl {
  enabled = true
  default_policy = "${phase === 'bootstrap' ? 'allow' : 'deny'}"
  enable_token_persistence = true
}
`,
  );
  return dir;
}

const http = (method: string, n: number, p: string, body?: unknown, token?: string) =>
  nodeHttp.request({
    method,
    url: `http://${ip(n)}:8500${p}`,
    headers: token ? { 'X-Consul-Token': token } : {},
    body: body === undefined ? undefined : JSON.stringify(body),
    timeoutMs: 10_000,
  });

describe('consul stand-in first-server bootstrap and revert', () => {
  it('keeps its leadership and ACLs across the revert restart and takes the others in as voters', async () => {
    const root = await tempDir('standin-first-');
    const env = { HASHINODE_SIM_STATE_DIR: path.join(root, 'state'), HASHINODE_SIM_RETRY_INTERVAL_MS: '300' };
    const first = startStandin('consul', ['agent', `-config-dir=${writeConfig(root, 1, 'bootstrap')}`], env);
    procs.push(first);
    await first.waitFor(/cluster leadership acquired/);
    expect((await http('PUT', 1, '/v1/acl/bootstrap', { BootstrapSecret: SECRET })).status).toBe(200);
    expect((await http('PUT', 1, '/v1/agent/token/agent', { Token: SECRET }, SECRET)).status).toBe(200);
    expect(JSON.parse(readFileSync(path.join(root, 's1', 'data', 'acl-tokens.json'), 'utf8'))).toEqual({ agent: SECRET });

    expect(await first.stop('SIGTERM')).toBe(1);
    const again = startStandin('consul', ['agent', `-config-dir=${writeConfig(root, 1, 'final')}`], env);
    procs.push(again);
    await again.waitFor(/Consul agent running!/);
    await eventually(async () => (JSON.parse((await http('GET', 1, '/v1/status/leader')).body) === `${ip(1)}:8300` ? true : undefined), 'leader again');
    expect((await http('GET', 1, '/v1/agent/self')).status).toBe(403);
    expect((await http('GET', 1, '/v1/agent/self', undefined, SECRET)).status).toBe(200);

    for (const n of [2, 3]) procs.push(startStandin('consul', ['agent', `-config-dir=${writeConfig(root, n, 'final')}`], env));
    const peers = await eventually(async () => {
      const p = JSON.parse((await http('GET', 3, '/v1/status/peers')).body) as string[];
      return p.length === 3 ? p : undefined;
    }, 'three voters');
    expect(peers.sort()).toEqual([`${ip(1)}:8300`, `${ip(2)}:8300`, `${ip(3)}:8300`]);
    expect(JSON.parse((await http('GET', 2, '/v1/status/leader')).body)).toBe(`${ip(1)}:8300`);
    const boot = await http('PUT', 3, '/v1/acl/bootstrap', {});
    expect(boot.status).toBe(403);
  }, 90_000);
});
