import { chmod, mkdir } from 'node:fs/promises';
import type { Paths } from '../core/paths.ts';
import { type Service, STATE, tlsPaths } from '../node/materials.ts';
import type { Role } from '../node/types.ts';
import { writeFileIfChanged } from './write.ts';

// What travels in a sealed reply. Servers get everything a CA holder needs (CA keys, gossip keys,
// management tokens), so any server can take over as holder; workers get only what they use.

export interface LeafFiles {
  certPem: string;
  keyPem: string;
}

export interface ServiceCerts {
  /** The agent's own certificate (server, Nomad client, Vault server). */
  agent?: LeafFiles;
  /** An operator CLI certificate. */
  cli?: LeafFiles;
}

/** Token names: consulManagement/nomadManagement go to servers only; others are per-node tokens. */
export type Tokens = Partial<Record<string, string>>;

export interface Bundle {
  kind: 'server' | 'worker';
  instanceId: string;
  /** ISO time of issue (holder clock). */
  issuedAt: string;
  caCerts: Partial<Record<Service, string>>;
  /** Only in server bundles. */
  caKeys?: Partial<Record<Service, string>>;
  gossip: { consul?: string; nomad?: string };
  certs: Partial<Record<Service, ServiceCerts>>;
  tokens: Tokens;
}

/**
 * The role a worker (a node with no server role) must have for each token it may receive. Servers
 * receive every token, since any server can take over as the CA holder and hand them out; a worker
 * gets only what its own agents use, and no token that is not listed here.
 */
const WORKER_TOKEN_ROLES: Record<string, Role | 'any'> = {
  consulDns: 'any',
  consulClientAgent: 'any',
  nomadClientConsul: 'nomad-client',
  vaultStorage: 'vault-server',
};

export function tokenAllowed(name: string, kind: 'server' | 'worker', roles: readonly Role[]): boolean {
  if (kind === 'server') return true;
  const needs = WORKER_TOKEN_ROLES[name];
  return needs === 'any' || (needs !== undefined && roles.includes(needs));
}

/** Where a token lives on the node: the management tokens at their fixed paths, others beside them. */
export function tokenPath(name: string): string {
  if (name === 'consulManagement') return STATE.consulManagementToken;
  if (name === 'nomadManagement') return STATE.nomadManagementToken;
  const kebab = name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`).replace(/[^a-z0-9-]/g, '');
  return `${STATE.secretsDir}/${kebab}.token`;
}

/** Where a server keeps each CA's certificate and key so it can act as holder. */
export function caKeyPaths(service: Service): { cert: string; key: string } {
  return { cert: `${STATE.caKeysDir}/${service}-agent-ca.pem`, key: `${STATE.caKeysDir}/${service}-agent-ca-key.pem` };
}

export interface InstalledFile {
  path: string;
  mode: number;
  changed: boolean;
}

/** Every file a bundle turns into, as host paths with modes: pure, so it can be shown or diffed. */
export function bundleFiles(bundle: Bundle): { path: string; content: string; mode: number }[] {
  const files: { path: string; content: string; mode: number }[] = [];
  for (const [service, pem] of Object.entries(bundle.caCerts) as [Service, string][]) {
    files.push({ path: tlsPaths(service).caFile, content: pem, mode: 0o644 });
  }
  for (const [service, certs] of Object.entries(bundle.certs) as [Service, ServiceCerts][]) {
    const p = tlsPaths(service);
    if (certs.agent) {
      files.push({ path: p.certFile, content: certs.agent.certPem, mode: 0o644 }, { path: p.keyFile, content: certs.agent.keyPem, mode: 0o600 });
    }
    if (certs.cli) {
      files.push({ path: p.cliCertFile, content: certs.cli.certPem, mode: 0o644 }, { path: p.cliKeyFile, content: certs.cli.keyPem, mode: 0o600 });
    }
  }
  for (const [service, keyPem] of Object.entries(bundle.caKeys ?? {}) as [Service, string][]) {
    const p = caKeyPaths(service);
    const certPem = bundle.caCerts[service];
    if (certPem) files.push({ path: p.cert, content: certPem, mode: 0o600 });
    files.push({ path: p.key, content: keyPem, mode: 0o600 });
  }
  if (bundle.gossip.consul) files.push({ path: STATE.consulGossipKey, content: `${bundle.gossip.consul}\n`, mode: 0o600 });
  if (bundle.gossip.nomad) files.push({ path: STATE.nomadGossipKey, content: `${bundle.gossip.nomad}\n`, mode: 0o600 });
  for (const [name, value] of Object.entries(bundle.tokens)) {
    if (value) files.push({ path: tokenPath(name), content: `${value}\n`, mode: 0o600 });
  }
  return files;
}

/**
 * Writes a bundle's files under the root (keys 0600, certificates 0644, secrets dirs 0700). Files
 * whose bytes are already right are left alone; the result says which changed, so the caller
 * reloads only the services whose material moved.
 */
export async function installMaterials(bundle: Bundle, paths: Paths): Promise<{ files: InstalledFile[]; changedServices: Service[] }> {
  for (const dir of [STATE.dir, STATE.secretsDir, ...(bundle.caKeys ? [STATE.caKeysDir] : [])]) {
    await mkdir(paths.host(dir), { recursive: true, mode: 0o700 });
    await chmod(paths.host(dir), 0o700);
  }
  const files: InstalledFile[] = [];
  const changedServices = new Set<Service>();
  for (const f of bundleFiles(bundle)) {
    const { changed } = await writeFileIfChanged(paths.host(f.path), f.content, f.mode);
    files.push({ path: f.path, mode: f.mode, changed });
    const service = (['consul', 'nomad', 'vault'] as const).find((s) => f.path.startsWith(`/etc/${s}.d/`));
    if (changed && service) changedServices.add(service);
  }
  return { files, changedServices: [...changedServices] };
}
