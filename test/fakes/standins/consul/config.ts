import { existsSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { ConfigLoadError, loadSources, mergeObj, mergeSources, type Obj } from '../config/hcl-load.ts';
import { unknownKeys } from '../config/schema.ts';
import { block, bool, ConfigError, durationMs, expandAddr, int, list, str } from '../config/values.ts';
import { CONSUL_MULTI, CONSUL_SCHEMA } from './schema.ts';

// Consul's config builder, reduced to what the stand-in runs on, with the real agent's checks and
// error texts (agent/config/builder.go `validate`, tlsutil) for the combinations it refuses.

export interface TlsProtocol {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  verifyIncoming: boolean;
  verifyOutgoing: boolean;
}

export interface ConsulConfig {
  files: string[];
  datacenter: string;
  nodeName: string;
  dataDir: string;
  server: boolean;
  bootstrap: boolean;
  bootstrapExpect: number;
  bindAddr: string;
  advertiseAddr: string;
  clientAddrs: string[];
  ports: { http: number; https: number; server: number; serfLan: number; dns: number };
  retryJoin: string[];
  retryIntervalMs: number | undefined;
  encrypt?: string;
  acl: {
    enabled: boolean;
    defaultPolicy: 'allow' | 'deny';
    enableTokenPersistence: boolean;
    tokens: { initialManagement?: string; agent?: string; default?: string; agentRecovery?: string };
  };
  tlsHttps: TlsProtocol;
  tlsInternalRpc: TlsProtocol & { verifyServerHostname: boolean };
  autoEncrypt: { allowTls: boolean; tls: boolean };
  leaveOnTerminate: boolean;
  skipLeaveOnInterrupt: boolean;
  warnings: string[];
}

/** Multierror text as go-multierror prints it (the agents print this verbatim). */
export function multiError(errors: readonly string[]): string {
  const head = errors.length === 1 ? '1 error occurred:' : `${errors.length} errors occurred:`;
  return `${head}\n${errors.map((e) => `\t* ${e}`).join('\n')}\n\n`;
}

export interface ConsulFlags {
  configDirs: string[];
  flagConfig: Obj;
}

export function loadConsulConfig(input: ConsulFlags, env: NodeJS.ProcessEnv): ConsulConfig {
  const sources = loadSources(input.configDirs, CONSUL_MULTI);
  for (const s of sources) {
    const unknown = unknownKeys(s.data, CONSUL_SCHEMA);
    if (unknown.length) throw new ConfigLoadError(s.file, `failed to parse ${s.file}: ${multiError(unknown.map((k) => `invalid config key ${k}`))}`);
  }
  return buildConsulConfig(mergeObj(mergeSources(sources), input.flagConfig), sources.map((s) => s.file), env);
}

function tlsProtocol(merged: Obj, name: 'https' | 'internal_rpc'): TlsProtocol & { verifyServerHostname: boolean } {
  const tls = block(merged, 'tls');
  const defaults = block(tls, 'defaults');
  const proto = block(tls, name);
  // Precedence as in Consul 1.12+: protocol block > tls.defaults > deprecated top-level keys.
  const pick = <T>(read: (o: Obj, k: string) => T | undefined, key: string, legacy = key): T | undefined =>
    read(proto, key) ?? read(defaults, key) ?? read(merged, legacy);
  return {
    caFile: pick(str, 'ca_file'),
    certFile: pick(str, 'cert_file'),
    keyFile: pick(str, 'key_file'),
    verifyIncoming:
      pick(bool, 'verify_incoming') ?? (name === 'https' ? bool(merged, 'verify_incoming_https') : bool(merged, 'verify_incoming_rpc')) ?? false,
    verifyOutgoing: pick(bool, 'verify_outgoing') ?? false,
    verifyServerHostname: (name === 'internal_rpc' ? bool(proto, 'verify_server_hostname') : undefined) ?? bool(merged, 'verify_server_hostname') ?? false,
  };
}

export function buildConsulConfig(merged: Obj, files: string[], env: NodeJS.ProcessEnv): ConsulConfig {
  const warnings: string[] = [];
  const server = bool(merged, 'server') ?? false;
  const bootstrap = bool(merged, 'bootstrap') ?? false;
  const bootstrapExpect = int(merged, 'bootstrap_expect') ?? 0;
  const datacenter = str(merged, 'datacenter') ?? 'dc1';
  if (!/^[a-z0-9_-]+$/.test(datacenter)) {
    throw new ConfigError(`datacenter can only contain lowercase alphanumeric, - or _ characters. received: "${datacenter}"`);
  }
  const dataDir = str(merged, 'data_dir') ?? '';
  if (!dataDir) throw new ConfigError('data_dir cannot be empty');
  if (existsSync(dataDir) && !statSync(dataDir).isDirectory()) throw new ConfigError(`data_dir "${dataDir}" is not a directory`);
  const nodeName = str(merged, 'node_name') ?? hostname();
  if (bootstrap && !server) throw new ConfigError("'bootstrap = true' requires 'server = true'");
  if (bootstrapExpect < 0) throw new ConfigError(`bootstrap_expect cannot be ${bootstrapExpect}. Must be greater than or equal to zero`);
  if (bootstrapExpect > 0 && !server) throw new ConfigError("'bootstrap_expect > 0' requires 'server = true'");
  if (bootstrapExpect > 0 && bootstrap) throw new ConfigError("'bootstrap_expect > 0' and 'bootstrap = true' are mutually exclusive");
  if (server && !bootstrap && bootstrapExpect === 2) {
    warnings.push('bootstrap_expect = 2: A cluster with 2 servers will provide no failure tolerance. See https://www.consul.io/docs/internals/consensus.html#deployment-table');
  }
  if (server && bootstrap) warnings.push('bootstrap = true: do not enable unless necessary');
  if (server && !bootstrap && bootstrapExpect > 1) warnings.push(`bootstrap_expect > 0: expecting ${bootstrapExpect} servers`);

  const encrypt = str(merged, 'encrypt');
  if (encrypt !== undefined && encrypt !== '') {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encrypt) || encrypt.length % 4 !== 0) {
      const bad = [...encrypt].findIndex((c) => !/[A-Za-z0-9+/=]/.test(c));
      throw new ConfigError(`encrypt has invalid key: illegal base64 data at input byte ${bad >= 0 ? bad : encrypt.length}`);
    }
    const len = Buffer.from(encrypt, 'base64').length;
    if (![16, 24, 32].includes(len)) throw new ConfigError('Failed to configure keyring: key size must be 16, 24 or 32 bytes');
  }

  const aclBlock = block(merged, 'acl');
  const tokens = block(aclBlock, 'tokens');
  const defaultPolicy = str(aclBlock, 'default_policy') ?? str(merged, 'acl_default_policy') ?? 'allow';
  if (defaultPolicy !== 'allow' && defaultPolicy !== 'deny') throw new ConfigError(`Invalid ACL default policy: "${defaultPolicy}"`);

  const autoEncryptBlock = block(merged, 'auto_encrypt');
  const autoEncrypt = { allowTls: bool(autoEncryptBlock, 'allow_tls') ?? false, tls: bool(autoEncryptBlock, 'tls') ?? false };
  if (server && autoEncrypt.tls) throw new ConfigError('auto_encrypt.tls can only be used on a client.');
  if (!server && autoEncrypt.allowTls) throw new ConfigError('auto_encrypt.allow_tls can only be used on a server.');

  const tlsHttps = tlsProtocol(merged, 'https');
  const tlsInternalRpc = tlsProtocol(merged, 'internal_rpc');
  for (const p of [tlsHttps, tlsInternalRpc]) {
    // Clients with auto_encrypt.tls get their certificate from the servers, not from files.
    if (p.verifyIncoming && !p.caFile && !autoEncrypt.tls) throw new ConfigError('VerifyIncoming set but no CA certificates were provided');
    if (p.verifyIncoming && (!p.certFile || !p.keyFile) && !autoEncrypt.tls) {
      throw new ConfigError('VerifyIncoming set but no certificate and key were provided');
    }
    if ((p.certFile && !p.keyFile) || (!p.certFile && p.keyFile)) throw new ConfigError('Failed to load cert/key pair: both cert_file and key_file must be set');
  }
  if (autoEncrypt.allowTls && !tlsInternalRpc.verifyIncoming) {
    warnings.push(
      'if auto_encrypt.allow_tls is turned on, tls.internal_rpc.verify_incoming should be enabled (either explicitly or via tls.defaults.verify_incoming). It is necessary to turn it off during a migration to TLS, but it should definitely be turned on afterwards.',
    );
  }

  const ports = block(merged, 'ports');
  const bindAddr = expandAddr(str(merged, 'bind_addr') ?? '0.0.0.0', env);
  const advertiseRaw = str(merged, 'advertise_addr');
  const advertiseAddr = advertiseRaw ? expandAddr(advertiseRaw, env) : bindAddr === '0.0.0.0' ? (env['HASHINODE_SIM_PRIVATE_IP'] ?? '127.0.0.1') : bindAddr;
  if (advertiseAddr === '0.0.0.0') throw new ConfigError('Advertise address cannot be 0.0.0.0, :: or [::]');
  const clientAddrs = expandAddr(str(merged, 'client_addr') ?? '127.0.0.1', env).split(/\s+/).filter(Boolean);
  const retryIntervalRaw = str(merged, 'retry_interval');
  const leaveOnTerminate = bool(merged, 'leave_on_terminate') ?? !server;
  const skipLeaveOnInterrupt = bool(merged, 'skip_leave_on_interrupt') ?? server;
  const cfg: ConsulConfig = {
    files,
    datacenter,
    nodeName,
    dataDir,
    server,
    bootstrap,
    bootstrapExpect,
    bindAddr,
    advertiseAddr,
    clientAddrs,
    ports: {
      http: int(ports, 'http') ?? 8500,
      https: int(ports, 'https') ?? -1,
      server: int(ports, 'server') ?? 8300,
      serfLan: int(ports, 'serf_lan') ?? 8301,
      dns: int(ports, 'dns') ?? 8600,
    },
    retryJoin: [...list(merged, 'start_join'), ...list(merged, 'retry_join')],
    retryIntervalMs: retryIntervalRaw ? durationMs(retryIntervalRaw, 'retry_interval') : undefined,
    encrypt: encrypt || undefined,
    acl: {
      enabled: bool(aclBlock, 'enabled') ?? false,
      defaultPolicy,
      enableTokenPersistence: bool(aclBlock, 'enable_token_persistence') ?? false,
      tokens: {
        initialManagement: str(tokens, 'initial_management') ?? str(tokens, 'master') ?? str(merged, 'acl_master_token'),
        agent: str(tokens, 'agent') ?? str(merged, 'acl_agent_token'),
        default: str(tokens, 'default') ?? str(merged, 'acl_token'),
        agentRecovery: str(tokens, 'agent_recovery') ?? str(tokens, 'agent_master'),
      },
    },
    tlsHttps,
    tlsInternalRpc,
    autoEncrypt,
    leaveOnTerminate,
    skipLeaveOnInterrupt,
    warnings,
  };
  if (cfg.ports.https > 0 && (!tlsHttps.certFile || !tlsHttps.keyFile) && !autoEncrypt.tls) {
    throw new ConfigError(`HTTPS port ${cfg.ports.https} configured but no cert_file/key_file: the HTTPS listener cannot start`);
  }
  return cfg;
}
