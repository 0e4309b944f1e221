import { createHash, randomBytes } from 'node:crypto';
import type http from 'node:http';
import { hostname } from 'node:os';
import path from 'node:path';
import { bindAll } from '../agent-common.ts';
import type { AgentLog } from '../log.ts';
import { type ApiRequest, type ApiResponse, httpServer, httpsServer } from '../net/serve.ts';
import { pidAlive, readJson, withLock, writeJsonAtomic } from '../state/files.ts';
import type { VaultConfig } from './config.ts';

// `vault server`: the seal lifecycle only. Uninitialised → 501 on /v1/sys/health; after
// `PUT /v1/sys/init` a Shamir-sealed Vault stays sealed (503) until enough `PUT /v1/sys/unseal`
// keys arrive; with `seal "awskms"` it unseals itself right after init and on every start (no KMS
// call is made). The first unsealed node is active (200), the others standby (429).

const VERSION = '1.17.6';

interface InitState {
  initialized: true;
  sealType: 'shamir' | 'awskms';
  shares: number;
  threshold: number;
  keyHashes: string[];
  clusterId: string;
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

export async function runVaultServer(cfg: VaultConfig, env: NodeJS.ProcessEnv, log: AgentLog): Promise<number> {
  const stateDir = env['HASHINODE_SIM_STATE_DIR'] || path.join(cfg.storage.path ?? '/tmp', 'sim-state');
  const initFile = path.join(stateDir, 'vault', `init-${cfg.storage.type}.json`);
  const activeFile = path.join(stateDir, 'vault', 'active.json');
  const name = cfg.storage.nodeId ?? hostname();
  let sealed = true;
  let progress: string[] = [];

  const readInit = () => readJson<InitState>(initFile);
  if (readInit()?.sealType === 'awskms' && cfg.seal.type === 'awskms') sealed = false;

  const isActive = async (): Promise<boolean> => {
    if (sealed) return false;
    return withLock(activeFile, () => {
      const cur = readJson<{ name: string; pid: number }>(activeFile);
      if (cur && cur.pid !== process.pid && pidAlive(cur.pid)) return false;
      if (!cur || cur.pid !== process.pid) writeJsonAtomic(activeFile, { name, pid: process.pid });
      return true;
    });
  };

  const healthBody = async (init: InitState | null) => {
    const active = await isActive();
    return {
      initialized: Boolean(init),
      sealed,
      standby: !active,
      performance_standby: false,
      replication_performance_mode: 'disabled',
      replication_dr_mode: 'disabled',
      server_time_utc: Math.floor(Date.now() / 1000),
      version: VERSION,
      enterprise: false,
      ...(init && !sealed ? { cluster_name: 'vault-cluster-standin', cluster_id: init.clusterId } : {}),
      echo_duration_ms: 0,
      clock_skew_ms: 0,
      replication_primary_canary_age_ms: 0,
      removed_from_cluster: false,
    };
  };

  const errors = (status: number, ...msgs: string[]): ApiResponse => ({ status, body: { errors: msgs } });

  const handler = async (req: ApiRequest): Promise<ApiResponse> => {
    const init = readInit();
    if ((req.method === 'GET' || req.method === 'HEAD') && req.path === '/v1/sys/health') {
      const body = await healthBody(init);
      const code = (k: string, d: number) => Number(req.query.get(k) ?? d);
      const status = !init
        ? code('uninitcode', 501)
        : sealed
          ? code('sealedcode', 503)
          : body.standby && req.query.get('standbyok') !== 'true'
            ? code('standbycode', 429)
            : code('activecode', 200);
      return { status, body };
    }
    if (req.method === 'GET' && req.path === '/v1/sys/seal-status') {
      return {
        status: 200,
        body: {
          type: init?.sealType ?? cfg.seal.type,
          initialized: Boolean(init),
          sealed,
          t: init?.threshold ?? 0,
          n: init?.shares ?? 0,
          progress: progress.length,
          nonce: '',
          version: VERSION,
          build_date: '2026-01-01T00:00:00Z',
          migration: false,
          recovery_seal: cfg.seal.type === 'awskms',
          storage_type: cfg.storage.type,
          ...(init && !sealed ? { cluster_name: 'vault-cluster-standin', cluster_id: init.clusterId } : {}),
        },
      };
    }
    if (req.method === 'GET' && req.path === '/v1/sys/init') return { status: 200, body: { initialized: Boolean(init) } };
    if ((req.method === 'PUT' || req.method === 'POST') && req.path === '/v1/sys/init') {
      const b = req.body.trim() ? (JSON.parse(req.body) as Record<string, number>) : {};
      const auto = cfg.seal.type === 'awskms';
      const shares = auto ? (b['recovery_shares'] ?? 5) : b['secret_shares'];
      const threshold = auto ? (b['recovery_threshold'] ?? 3) : b['secret_threshold'];
      if (!auto && (!shares || !threshold)) return errors(400, 'parameters secret_shares,secret_threshold not present');
      if (threshold! > shares! || threshold! < 1) return errors(400, 'invalid seal configuration: threshold must be between 1 and shares');
      const keys = Array.from({ length: shares! }, () => randomBytes(32).toString('hex'));
      const root = `hvs.${randomBytes(18).toString('base64url')}`;
      const created = await withLock(initFile, () => {
        if (readInit()) return false;
        writeJsonAtomic(initFile, {
          initialized: true,
          sealType: cfg.seal.type,
          shares: shares!,
          threshold: threshold!,
          keyHashes: keys.map(sha),
          clusterId: crypto.randomUUID(),
        } satisfies InitState);
        return true;
      });
      if (!created) return errors(400, 'Vault is already initialized');
      if (auto) sealed = false;
      log.line('INFO', 'core', `security barrier initialized: stored=1 shares=${shares} threshold=${threshold}`);
      const b64 = keys.map((k) => Buffer.from(k, 'hex').toString('base64'));
      return {
        status: 200,
        body: auto
          ? { keys: [], keys_base64: [], recovery_keys: keys, recovery_keys_base64: b64, root_token: root }
          : { keys, keys_base64: b64, root_token: root },
      };
    }
    if ((req.method === 'PUT' || req.method === 'POST') && req.path === '/v1/sys/unseal') {
      if (!init) return errors(400, 'Vault is not initialized');
      const b = req.body.trim() ? (JSON.parse(req.body) as { key?: string; reset?: boolean }) : {};
      if (b.reset) progress = [];
      else if (b.key && init.sealType === 'shamir') {
        const hex = /^[0-9a-f]+$/.test(b.key) ? b.key : Buffer.from(b.key, 'base64').toString('hex');
        if (!init.keyHashes.includes(sha(hex))) return errors(400, 'Error unsealing: failed to decrypt keys from storage: cipher: message authentication failed');
        if (!progress.includes(hex)) progress.push(hex);
        if (progress.length >= init.threshold) {
          sealed = false;
          progress = [];
          log.line('INFO', 'core', 'vault is unsealed');
        }
      }
      return { status: 200, body: { type: init.sealType, initialized: true, sealed, t: init.threshold, n: init.shares, progress: progress.length, version: VERSION } };
    }
    if (req.path.startsWith('/v1/sys/')) return sealed ? errors(503, 'Vault is sealed') : errors(403, 'permission denied');
    return sealed ? errors(503, 'Vault is sealed') : errors(404);
  };

  const makeListeners = () =>
    cfg.listeners.map((l) => {
      const idx = l.address.lastIndexOf(':');
      const server = l.tlsDisable
        ? httpServer(handler)
        : httpsServer(handler, { caFile: l.clientCaFile, certFile: l.certFile!, keyFile: l.keyFile!, requireClientCert: l.requireClientCert });
      return { server, host: l.address.slice(0, idx), port: Number(l.address.slice(idx + 1)), label: l.tlsDisable ? 'HTTP' : 'HTTPS' };
    });
  let servers: { server: http.Server; host: string; port: number; label: string }[];
  try {
    servers = makeListeners();
  } catch (err) {
    log.banner(`Error initializing listener of type tcp: error loading TLS configuration: ${(err as Error).message}`);
    return 1;
  }
  log.banner('==> Vault server configuration:\n');
  log.banner(`             Api Address: ${cfg.apiAddr ?? ''}`);
  log.banner(`                     Cgo: disabled`);
  log.banner(`         Cluster Address: ${cfg.clusterAddr ?? ''}`);
  log.banner(`              Listener 1: tcp (addr: "${cfg.listeners[0]?.address ?? ''}", tls: "${cfg.listeners[0]?.tlsDisable ? 'disabled' : 'enabled'}")`);
  log.banner(`                 Storage: ${cfg.storage.type}`);
  log.banner(`                 Version: Vault v${VERSION}\n`);
  for (const w of cfg.warnings) log.line('WARN', 'core', w);
  try {
    await bindAll(servers, log);
  } catch (err) {
    log.banner(`Error initializing listener of type tcp: ${(err as Error).message}`);
    return 1;
  }
  log.banner('==> Vault server started! Log data will stream in below:\n');
  if (cfg.seal.type === 'awskms') log.line('INFO', 'core', `stored unseal keys supported, attempting fetch (awskms seal, key ${cfg.seal.kmsKeyId ?? 'unset'})`);
  if (sealed) log.line('INFO', 'core', readInit() ? 'vault is sealed' : 'security barrier not initialized');
  const stop = () => {
    for (const s of servers) s.server.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return new Promise<number>(() => {
    // Runs until a signal ends the process.
  });
}
