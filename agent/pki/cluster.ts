import { readdir, readFile } from 'node:fs/promises';
import type { Paths } from '../core/paths.ts';
import { HashinodeError } from '../core/errors.ts';
import { type Service, STATE } from '../node/materials.ts';
import { caKeyPaths, type Tokens } from './bundle.ts';
import { assertCaMatches, type CaMaterial, createCa } from './ca.ts';
import { newGossipKey } from './gossip.ts';
import type { HolderMaterials } from './holder.ts';

// The cluster's secrets are made once, by the first server, and afterwards live only on servers
// (never in plaintext on the shared disk). Any server can load them back and act as CA holder.

export async function createClusterMaterials(opts: {
  services: Service[];
  datacenter: string;
  region: string;
  now?: Date;
}): Promise<HolderMaterials> {
  const cas: Partial<Record<Service, CaMaterial>> = {};
  for (const service of opts.services) cas[service] = await createCa(service, opts.now ? { now: opts.now } : {});
  return { cas, gossip: { consul: newGossipKey(), nomad: newGossipKey() }, tokens: {}, datacenter: opts.datacenter, region: opts.region };
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new HashinodeError('HN_E_FILE_READ', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`, { cause: err });
  }
}

/**
 * What a server installed from its server bundle (installMaterials), read back so it can answer
 * the mailbox. Throws HN_E_PKI when this node holds no CA key (a worker cannot be a holder).
 */
export async function loadHolderMaterials(paths: Paths, opts: { datacenter: string; region: string }): Promise<HolderMaterials> {
  const cas: Partial<Record<Service, CaMaterial>> = {};
  for (const service of ['consul', 'nomad', 'vault'] as const) {
    const p = caKeyPaths(service);
    const [certPem, keyPem] = await Promise.all([readOptional(paths.host(p.cert)), readOptional(paths.host(p.key))]);
    if (!certPem || !keyPem) continue;
    const ca = { service, certPem, keyPem };
    await assertCaMatches(ca, paths.host(p.key));
    cas[service] = ca;
  }
  if (Object.keys(cas).length === 0) {
    throw new HashinodeError('HN_E_PKI', `no CA key under ${paths.host(STATE.caKeysDir)}: only a server that received the server bundle can answer the mailbox`);
  }
  const gossip: HolderMaterials['gossip'] = {};
  const consul = (await readOptional(paths.host(STATE.consulGossipKey)))?.trim();
  const nomad = (await readOptional(paths.host(STATE.nomadGossipKey)))?.trim();
  if (consul) gossip.consul = consul;
  if (nomad) gossip.nomad = nomad;
  const tokens: Tokens = {};
  const secretsDir = paths.host(STATE.secretsDir);
  for (const name of await readdir(secretsDir).catch(() => [] as string[])) {
    if (!name.endsWith('.token')) continue;
    const value = (await readOptional(`${secretsDir}/${name}`))?.trim();
    const key = name.slice(0, -'.token'.length).replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    if (value) tokens[key] = value;
  }
  return { cas, gossip, tokens, datacenter: opts.datacenter, region: opts.region };
}
