import { isObj, loadSources, mergeObj, type Obj } from '../config/hcl-load.ts';
import { LABEL, leaves, type Schema, unknownKeys } from '../config/schema.ts';
import { bool, ConfigError, str } from '../config/values.ts';

// Vault's server configuration. Unlike Consul and Nomad, Vault only warns about unknown keys
// ("unknown or unsupported field ... found in configuration"); it refuses a missing storage
// backend and raft storage without cluster_addr.

export const VAULT_MULTI = new Set(['listener', 'listener.tcp', 'listener.unix']);

const listener = leaves(
  `address cluster_address tls_disable tls_cert_file tls_key_file tls_client_ca_file tls_min_version tls_max_version
   tls_cipher_suites tls_require_and_verify_client_cert tls_disable_client_certs proxy_protocol_behavior
   x_forwarded_for_authorized_addrs max_request_size max_request_duration http_idle_timeout http_read_timeout
   http_read_header_timeout http_write_timeout unauthenticated_metrics_access disable_replication_status_endpoints`,
  { telemetry: 'open', profiling: 'open', inflight_requests_logging: 'open', custom_response_headers: 'open', redact_addresses: true },
);

export const VAULT_SCHEMA: Schema = leaves(
  `api_addr cluster_addr cluster_name ui disable_mlock disable_cache disable_clustering disable_performance_standby
   disable_sealwrap default_lease_ttl max_lease_ttl default_max_request_duration log_level log_format log_file
   log_rotate_bytes log_rotate_duration log_rotate_max_files plugin_directory plugin_file_uid
   plugin_file_permissions pid_file raw_storage_endpoint introspection_endpoint enable_response_header_hostname
   enable_response_header_raft_node_id license_path detect_deadlocks imprecise_lease_role_tracking
   disable_printable_check enable_ui`,
  {
    storage: { [LABEL]: 'open' },
    backend: { [LABEL]: 'open' },
    ha_storage: { [LABEL]: 'open' },
    listener: { tcp: listener, unix: 'open' },
    seal: { [LABEL]: 'open' },
    service_registration: { [LABEL]: 'open' },
    telemetry: 'open',
    entropy: 'open',
    user_lockout: 'open',
    reporting: 'open',
  },
);

export interface VaultListener {
  address: string;
  tlsDisable: boolean;
  certFile?: string;
  keyFile?: string;
  clientCaFile?: string;
  requireClientCert: boolean;
}

export interface VaultConfig {
  files: string[];
  storage: { type: string; path?: string; nodeId?: string };
  listeners: VaultListener[];
  seal: { type: 'shamir' | 'awskms'; kmsKeyId?: string };
  apiAddr?: string;
  clusterAddr?: string;
  warnings: string[];
}

function labelled(obj: Obj, key: string): [string, Obj][] {
  const b = obj[key];
  if (!isObj(b)) return [];
  return Object.entries(b).flatMap(([label, v]) => (Array.isArray(v) ? v.filter(isObj).map((x) => [label, x] as [string, Obj]) : isObj(v) ? [[label, v] as [string, Obj]] : []));
}

export function loadVaultConfig(targets: string[]): VaultConfig {
  const sources = loadSources(targets, VAULT_MULTI, ['.hcl', '.json']);
  const warnings: string[] = [];
  for (const s of sources) for (const k of unknownKeys(s.data, VAULT_SCHEMA)) warnings.push(`unknown or unsupported field ${k} found in configuration at ${s.file}`);
  const merged = sources.reduce<Obj>((acc, s) => mergeObj(acc, s.data), {});
  const storages = [...labelled(merged, 'storage'), ...labelled(merged, 'backend')];
  if (storages.length === 0) throw new ConfigError('A storage backend must be specified');
  if (storages.length > 1) throw new ConfigError('Only one storage block is permitted');
  const [storageType, storageBlock] = storages[0]!;
  const clusterAddr = str(merged, 'cluster_addr');
  if (storageType === 'raft' && !clusterAddr) throw new ConfigError('Cluster address must be set when using raft storage');
  const listeners: VaultListener[] = labelled(merged, 'listener')
    .filter(([t]) => t === 'tcp')
    .map(([, l]) => ({
      address: str(l, 'address') ?? '127.0.0.1:8200',
      tlsDisable: bool(l, 'tls_disable') ?? false,
      certFile: str(l, 'tls_cert_file'),
      keyFile: str(l, 'tls_key_file'),
      clientCaFile: str(l, 'tls_client_ca_file'),
      requireClientCert: bool(l, 'tls_require_and_verify_client_cert') ?? false,
    }));
  for (const l of listeners) {
    if (!l.tlsDisable && (!l.certFile || !l.keyFile)) throw new ConfigError(`Error initializing listener of type tcp: error loading TLS configuration: 'tls_cert_file' must be set`);
  }
  const seals = labelled(merged, 'seal');
  const awskms = seals.find(([t]) => t === 'awskms');
  return {
    files: sources.map((s) => s.file),
    storage: { type: storageType, path: str(storageBlock, 'path'), nodeId: str(storageBlock, 'node_id') },
    listeners,
    seal: awskms ? { type: 'awskms', kmsKeyId: str(awskms[1], 'kms_key_id') } : { type: 'shamir' },
    apiAddr: str(merged, 'api_addr'),
    clusterAddr,
    warnings,
  };
}
