import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import type { Sim, SimNode } from '../../sim/cluster.ts';
import { managementTokens } from './helpers-shared.ts';

export { managementTokens };

export async function readText(file: string): Promise<string | null> {
  return readFile(file, 'utf8').catch(() => null);
}

/** What every converged cluster must satisfy, whatever happened on the way. */
export async function expectConverged(sim: Sim, first: SimNode): Promise<void> {
  const ready = await sim.clusterReady();
  expect(ready?.by).toBe(first.instanceId);
  const stored = (await readText(path.join(first.root, 'var/lib/hashinode/secrets/consul-management.token')))?.trim();
  expect(stored).toMatch(/^[0-9a-f-]{36}$/);
  expect(await managementTokens(sim, 'consul')).toEqual([stored]);
  const nomadStored = (await readText(path.join(first.root, 'var/lib/hashinode/secrets/nomad-management.token')))?.trim();
  expect(await managementTokens(sim, 'nomad')).toEqual([nomadStored]);
  // The stored token works against the live cluster.
  const res = await fetch(`http://${first.ip}:8500/v1/acl/token/self`, { headers: { 'X-Consul-Token': stored! } });
  expect(res.status).toBe(200);
  // The secret also lives sealed on the shared disk.
  expect(await readText(path.join(sim.sharedDir, 'hashinode/sim/secrets/consulManagement', `${first.instanceId}.sealed`))).toContain('"ct"');
  for (const n of sim.nodes) {
    const hcl = await readText(path.join(n.root, 'etc/consul.d/consul.hcl'));
    expect(hcl, `${n.name} consul.hcl`).not.toContain('hashinode:bootstrap');
    expect(await readText(path.join(n.root, 'run/systemd/system/consul.service.d/50-hashinode-bootstrap.conf'))).toBeNull();
  }
}
