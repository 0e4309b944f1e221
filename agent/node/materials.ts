import type { Paths } from '../core/paths.ts';

// Where a node keeps the cluster materials it holds (certificates, keys, gossip keys, tokens), as
// host paths. Templates reference these paths; PKI writes them; the workflow checks them. Secrets
// stay in files (0600, or 0640 to the service's group), never in rendered configs or on argv.

export type Service = 'consul' | 'nomad' | 'vault';

export interface ServiceTlsPaths {
  caFile: string;
  certFile: string;
  keyFile: string;
  cliCertFile: string;
  cliKeyFile: string;
}

const CONFIG_DIR: Record<Service, string> = { consul: '/etc/consul.d', nomad: '/etc/nomad.d', vault: '/etc/vault.d' };

/** TLS files of one service, as host paths (what goes into the service's config). */
export function tlsPaths(service: Service): ServiceTlsPaths {
  const dir = `${CONFIG_DIR[service]}/tls`;
  return {
    caFile: `${dir}/${service}-agent-ca.pem`,
    certFile: `${dir}/${service}-cert.pem`,
    keyFile: `${dir}/${service}-key.pem`,
    cliCertFile: `${dir}/${service}-cli.pem`,
    cliKeyFile: `${dir}/${service}-cli-key.pem`,
  };
}

/** The agent's private state: the journal, the node's keys, and secrets received through the mailbox. */
export const STATE = {
  dir: '/var/lib/hashinode',
  /** Per-instance journal of phases. */
  journal: '/var/lib/hashinode/journal.json',
  /** This node's X25519 mailbox key pair (0600). */
  mailboxKey: '/var/lib/hashinode/mailbox-key.json',
  /** Secrets this node holds (0700 dir, 0600 files): gossip keys, tokens, CA keys on servers. */
  secretsDir: '/var/lib/hashinode/secrets',
  consulGossipKey: '/var/lib/hashinode/secrets/consul-gossip.key',
  nomadGossipKey: '/var/lib/hashinode/secrets/nomad-gossip.key',
  /** Chosen before the ACL bootstrap call, so a crash after it loses nothing. */
  consulManagementToken: '/var/lib/hashinode/secrets/consul-management.token',
  nomadManagementToken: '/var/lib/hashinode/secrets/nomad-management.token',
  /** Consul ACL token of Vault's Consul storage (render puts it in /etc/vault.d/vault.env). */
  vaultStorageToken: '/var/lib/hashinode/secrets/vault-storage.token',
  /** CA private keys exist only on Consul servers (any server can take over as CA holder). */
  caKeysDir: '/var/lib/hashinode/secrets/ca',
} as const;

/** Host path -> path under the root. */
export function under(paths: Paths, hostPath: string): string {
  return paths.host(hostPath);
}
