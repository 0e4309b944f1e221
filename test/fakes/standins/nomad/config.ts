import { hostname } from 'node:os';
import { ConfigLoadError, loadSources, mergeObj, mergeSources, type Obj } from '../config/hcl-load.ts';
import { unknownKeys } from '../config/schema.ts';
import { block, bool, ConfigError, durationMs, expandAddr, int, list, str } from '../config/values.ts';
import { NOMAD_MULTI, NOMAD_SCHEMA } from './schema.ts';

// Nomad's config loading (LoadConfigDir + IsValidConfig), reduced to what the stand-in runs on.

export interface NomadConfig {
  files: string[];
  region: string;
  datacenter: string;
  name: string;
  dataDir: string;
  bindAddr: string;
  httpAddr: string;
  advertiseAddr: string;
  ports: { http: number; rpc: number; serf: number };
  server: { enabled: boolean; bootstrapExpect: number; encrypt?: string; join: string[]; retryIntervalMs?: number };
  client: { enabled: boolean; servers: string[]; join: string[]; nodeClass: string; nodePool: string; meta: Record<string, string> };
  aclEnabled: boolean;
  tls: { http: boolean; caFile?: string; certFile?: string; keyFile?: string; verifyHttpsClient: boolean };
  leaveOnTerminate: boolean;
  leaveOnInterrupt: boolean;
  warnings: string[];
}

function unexpected(path: string, keys: string[]): string {
  return `${path ? `${path} ` : ''}unexpected keys ${keys.join(', ')}`;
}

export function loadNomadConfig(targets: string[], flagConfig: Obj, env: NodeJS.ProcessEnv): NomadConfig {
  const sources = [];
  for (const t of targets) {
    let loaded: ReturnType<typeof loadSources>;
    try {
      loaded = loadSources([t], NOMAD_MULTI);
    } catch (err) {
      throw new ConfigError(`Error loading configuration from ${t}: ${(err as Error).message}`);
    }
    for (const s of loaded) {
      const unknown = unknownKeys(s.data, NOMAD_SCHEMA);
      if (unknown.length) {
        // Nomad groups unexpected keys by block: `server unexpected keys foo`.
        const first = unknown[0]!;
        const dot = first.lastIndexOf('.');
        const prefix = dot >= 0 ? first.slice(0, dot) : '';
        const keys = unknown.filter((k) => (k.lastIndexOf('.') >= 0 ? k.slice(0, k.lastIndexOf('.')) : '') === prefix).map((k) => k.slice(dot + 1));
        throw new ConfigLoadError(s.file, `Error loading configuration from ${t}: Error loading ${s.file}: ${unexpected(prefix.replace(/\./g, ' '), keys)}`);
      }
      sources.push(s);
    }
  }
  return buildNomadConfig(mergeObj(mergeSources(sources), flagConfig), sources.map((s) => s.file), env);
}

export function buildNomadConfig(merged: Obj, files: string[], env: NodeJS.ProcessEnv): NomadConfig {
  const warnings: string[] = [];
  const server = block(merged, 'server');
  const client = block(merged, 'client');
  const serverEnabled = bool(server, 'enabled') ?? false;
  const clientEnabled = bool(client, 'enabled') ?? false;
  if (!serverEnabled && !clientEnabled) throw new ConfigError('Must specify either server, client or dev mode for the agent.');
  const region = str(merged, 'region') ?? 'global';
  const datacenter = str(merged, 'datacenter') ?? 'dc1';
  if (/[\0*]/.test(datacenter)) throw new ConfigError("Datacenter contains invalid characters (null or '*')");
  const dataDir = str(merged, 'data_dir') ?? '';
  if (!dataDir) throw new ConfigError('Must specify "data_dir" config option or "data-dir" CLI flag');
  if (!dataDir.startsWith('/')) throw new ConfigError(`data-dir must be given as an absolute path: got ${dataDir}`);
  const encrypt = str(server, 'encrypt');
  if (encrypt) {
    let bytes = 0;
    if (/^[A-Za-z0-9+/]*={0,2}$/.test(encrypt) && encrypt.length % 4 === 0) bytes = Buffer.from(encrypt, 'base64').length;
    else throw new ConfigError('Invalid encryption key: illegal base64 data');
    if (![16, 24, 32].includes(bytes)) throw new ConfigError('Invalid encryption key: key size must be 16, 24 or 32 bytes');
  }
  // Nomad only uses a positive bootstrap_expect; 0 (or less) means this server never bootstraps a
  // cluster itself and waits to join one (nomad/serf.go maybeBootstrap).
  const bootstrapExpect = Math.max(0, int(server, 'bootstrap_expect') ?? 0);
  if (serverEnabled && bootstrapExpect === 1) warnings.push('WARNING: Bootstrap mode enabled! Potentially unsafe operation.');
  if (serverEnabled && bootstrapExpect % 2 === 0) warnings.push('WARNING: Number of bootstrap servers should ideally be set to an odd number.');
  const serverJoin = block(server, 'server_join');
  const legacyJoin = [...list(server, 'start_join'), ...list(server, 'retry_join')];
  const blockJoin = [...list(serverJoin, 'start_join'), ...list(serverJoin, 'retry_join')];
  if (legacyJoin.length && blockJoin.length) throw new ConfigError('server_join and start_join cannot both be defined; prefer setting the server_join block');
  const clientJoin = block(client, 'server_join');
  const tls = block(merged, 'tls');
  const tlsCfg = {
    http: bool(tls, 'http') ?? false,
    caFile: str(tls, 'ca_file'),
    certFile: str(tls, 'cert_file'),
    keyFile: str(tls, 'key_file'),
    verifyHttpsClient: bool(tls, 'verify_https_client') ?? false,
  };
  if (tlsCfg.http && (!tlsCfg.certFile || !tlsCfg.keyFile)) throw new ConfigError('Failed to setup TLS: tls.http requires cert_file and key_file');
  if (tlsCfg.verifyHttpsClient && tlsCfg.http && !tlsCfg.caFile) throw new ConfigError('Failed to setup TLS: verify_https_client requires ca_file');
  if (!tlsCfg.http || !(bool(tls, 'rpc') ?? false)) warnings.push('WARNING: mTLS is not configured - Nomad is not secure without mTLS!');
  const bindAddr = expandAddr(str(merged, 'bind_addr') ?? '0.0.0.0', env);
  const addresses = block(merged, 'addresses');
  const advertise = block(merged, 'advertise');
  const ports = block(merged, 'ports');
  const httpAddr = expandAddr(str(addresses, 'http') ?? bindAddr, env);
  const advRaw = str(advertise, 'rpc') ?? str(advertise, 'http');
  const advertiseAddr = advRaw ? expandAddr(advRaw.split(':')[0]!, env) : bindAddr === '0.0.0.0' ? (env['HASHINODE_SIM_PRIVATE_IP'] ?? '127.0.0.1') : bindAddr;
  const retryRaw = str(serverJoin, 'retry_interval') ?? str(server, 'retry_interval');
  const meta = block(client, 'meta');
  return {
    files,
    region,
    datacenter,
    name: str(merged, 'name') ?? hostname(),
    dataDir,
    bindAddr,
    httpAddr,
    advertiseAddr,
    ports: { http: int(ports, 'http') ?? 4646, rpc: int(ports, 'rpc') ?? 4647, serf: int(ports, 'serf') ?? 4648 },
    server: {
      enabled: serverEnabled,
      bootstrapExpect,
      encrypt: encrypt || undefined,
      join: [...legacyJoin, ...blockJoin],
      retryIntervalMs: retryRaw ? durationMs(retryRaw, 'server.retry_interval') : undefined,
    },
    client: {
      enabled: clientEnabled,
      servers: list(client, 'servers'),
      join: [...list(clientJoin, 'start_join'), ...list(clientJoin, 'retry_join')],
      nodeClass: str(client, 'node_class') ?? '',
      nodePool: str(client, 'node_pool') ?? 'default',
      meta: Object.fromEntries(Object.entries(meta).map(([k, v]) => [k, String(v)])),
    },
    aclEnabled: bool(block(merged, 'acl'), 'enabled') ?? false,
    tls: tlsCfg,
    leaveOnTerminate: bool(merged, 'leave_on_terminate') ?? false,
    leaveOnInterrupt: bool(merged, 'leave_on_interrupt') ?? false,
    warnings,
  };
}
