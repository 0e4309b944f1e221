import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeHttp } from '../../../agent/core/http.ts';
import { loopbackBlock, type StandinProcess, startStandin } from '../../fakes/standins/spawn.ts';
import { tempDir } from '../../helpers/tmp.ts';

// The seal lifecycle seen through /v1/sys/health: 501 before init, 503 while sealed (Shamir),
// 200 once unsealed; with `seal "awskms"` Vault is unsealed right after init.

const ip = loopbackBlock();
const procs: StandinProcess[] = [];
afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop('SIGKILL')));
});

async function startVault(root: string, n: number, seal: string): Promise<void> {
  const dir = path.join(root, `v${n}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'vault.hcl'),
    `storage "raft" {
  path = "${dir}/data"
  node_id = "vault-${n}"
}
listener "tcp" {
  address = "${ip(n)}:8200"
  tls_disable = true
}
api_addr = "http://${ip(n)}:8200"
cluster_addr = "http://${ip(n)}:8201"
${seal}
`,
  );
  const p = startStandin('vault', ['server', `-config=${dir}`], { HASHINODE_SIM_STATE_DIR: path.join(root, `state-${n}`) });
  procs.push(p);
  await p.waitFor(/Vault server started!/);
}

const health = async (n: number) => {
  const r = await nodeHttp.request({ method: 'GET', url: `http://${ip(n)}:8200/v1/sys/health`, timeoutMs: 10_000 });
  return { status: r.status, body: JSON.parse(r.body) as Record<string, unknown> };
};
const put = (n: number, p: string, body: unknown) =>
  nodeHttp.request({ method: 'PUT', url: `http://${ip(n)}:8200${p}`, body: JSON.stringify(body), timeoutMs: 10_000 });

describe('vault stand-in', () => {
  it('reports 501 uninitialised, 503 sealed after a Shamir init, 200 after unseal', async () => {
    const root = await tempDir('standin-vault-');
    await startVault(root, 1, '');
    expect(await health(1)).toMatchObject({ status: 501, body: { initialized: false, sealed: true, standby: true } });
    const init = JSON.parse((await put(1, '/v1/sys/init', { secret_shares: 3, secret_threshold: 2 })).body) as { keys: string[]; root_token: string };
    expect(init.keys).toHaveLength(3);
    expect(await health(1)).toMatchObject({ status: 503, body: { initialized: true, sealed: true } });
    expect((await put(1, '/v1/sys/init', { secret_shares: 1, secret_threshold: 1 })).status).toBe(400);
    await put(1, '/v1/sys/unseal', { key: init.keys[0] });
    expect((await health(1)).status).toBe(503);
    await put(1, '/v1/sys/unseal', { key: init.keys[2] });
    expect(await health(1)).toMatchObject({ status: 200, body: { initialized: true, sealed: false, standby: false } });
  }, 60_000);

  it('unseals itself after init when seal "awskms" is configured', async () => {
    const root = await tempDir('standin-vault-kms-');
    await startVault(root, 2, 'seal "awskms" {\n  region = "eu-west-1"\n  kms_key_id = "alias/vault"\n}');
    expect((await health(2)).status).toBe(501);
    const init = JSON.parse((await put(2, '/v1/sys/init', { recovery_shares: 1, recovery_threshold: 1 })).body);
    expect(init.recovery_keys).toHaveLength(1);
    expect(await health(2)).toMatchObject({ status: 200, body: { sealed: false } });
  }, 60_000);
});
