import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { awsEnv, bindAll, nameClash, retryIntervalMs, stateDirFor } from '../agent-common.ts';
import { ClusterNode, keyHash } from '../cluster/node.ts';
import type { AgentLog } from '../log.ts';
import { httpServer, httpsServer } from '../net/serve.ts';
import { notifyReady } from '../notify.ts';
import { readJson, writeJsonAtomic } from '../state/files.ts';
import { type ConsulAclData, GLOBAL_MANAGEMENT_ID, initialAclData, newToken } from './acl.ts';
import { consulApi } from './api.ts';
import type { ConsulConfig } from './config.ts';

// `consul agent`: registers in the shared state, serves the API, joins, elects, and leaves on
// SIGTERM when leave_on_terminate says so (the default for clients, not for servers).

const PERSISTED_KEYS = ['agent', 'default', 'agent_recovery', 'replication', 'config_file_service_registration', 'dns'] as const;

function loadNodeId(dataDir: string): string {
  const file = path.join(dataDir, 'node-id');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    const id = randomUUID();
    writeFileSync(file, id);
    return id;
  }
}

function banner(cfg: ConsulConfig, nodeId: string, log: AgentLog): void {
  const lines = [
    '==> Starting Consul agent...',
    `               Version: '1.19.2'`,
    `               Node ID: '${nodeId}'`,
    `             Node name: '${cfg.nodeName}'`,
    `            Datacenter: '${cfg.datacenter}' (Segment: '${cfg.server ? '<all>' : ''}')`,
    `                Server: ${cfg.server} (Bootstrap: ${cfg.bootstrap || cfg.bootstrapExpect === 1})`,
    `           Client Addr: [${cfg.clientAddrs.join(' ')}] (HTTP: ${cfg.ports.http}, HTTPS: ${cfg.ports.https}, gRPC: -1, gRPC-TLS: -1, DNS: ${cfg.ports.dns})`,
    `          Cluster Addr: ${cfg.advertiseAddr} (LAN: ${cfg.ports.serfLan}, WAN: 8302)`,
    `     Gossip Encryption: ${Boolean(cfg.encrypt)}`,
    `      Auto-Encrypt-TLS: ${cfg.autoEncrypt.tls || cfg.autoEncrypt.allowTls}`,
    `           ACL Enabled: ${cfg.acl.enabled}`,
    `    ACL Default Policy: ${cfg.acl.defaultPolicy}`,
    `             HTTPS TLS: Verify Incoming: ${cfg.tlsHttps.verifyIncoming}, Verify Outgoing: ${cfg.tlsHttps.verifyOutgoing}, Min Version: TLSv1_2`,
    `      Internal RPC TLS: Verify Incoming: ${cfg.tlsInternalRpc.verifyIncoming}, Verify Outgoing: ${cfg.tlsInternalRpc.verifyOutgoing} (Verify Hostname: ${cfg.tlsInternalRpc.verifyServerHostname}), Min Version: TLSv1_2`,
    '',
    '==> Log data will now stream in as it occurs:',
    '',
  ];
  for (const l of lines) log.banner(l);
}

export async function runConsulAgent(cfg: ConsulConfig, env: NodeJS.ProcessEnv, log: AgentLog): Promise<number> {
  mkdirSync(cfg.dataDir, { recursive: true });
  const nodeId = loadNodeId(cfg.dataDir);
  const stateDir = stateDirFor(env, cfg.dataDir);
  const clash = nameClash(stateDir, 'consul', cfg.nodeName);
  if (clash) {
    log.banner(`==> Error starting agent: Failed to join: Member '${cfg.nodeName}' has conflicting node ID: a live agent at ${clash.ip} uses this name`);
    return 1;
  }
  banner(cfg, nodeId, log);
  for (const w of cfg.warnings) log.line('WARN', 'agent', w);

  const tokensFile = path.join(cfg.dataDir, 'acl-tokens.json');
  const agentTokens: Record<string, string | undefined> = {
    agent: cfg.acl.tokens.agent,
    default: cfg.acl.tokens.default,
    agent_recovery: cfg.acl.tokens.agentRecovery,
  };
  if (cfg.acl.enabled && cfg.acl.enableTokenPersistence) {
    // Tokens set through the API and persisted take precedence over the config files.
    const persisted = readJson<Record<string, string>>(tokensFile) ?? {};
    for (const k of PERSISTED_KEYS) if (persisted[k]) agentTokens[k] = persisted[k];
  }

  let leaving = false;
  const node = new ClusterNode<ConsulAclData>({
    stateDir,
    product: 'consul',
    self: {
      name: cfg.nodeName,
      ip: cfg.advertiseAddr,
      rpcPort: cfg.ports.server,
      server: cfg.server,
      dc: cfg.datacenter,
      pid: process.pid,
      startedAt: Date.now(),
      heartbeat: Date.now(),
      keyHash: keyHash(cfg.encrypt),
      expect: cfg.bootstrap ? 1 : cfg.bootstrapExpect,
      joined: [],
      left: false,
      http: `http://${cfg.clientAddrs[0]}:${cfg.ports.http}`,
      meta: { dataDir: path.resolve(cfg.dataDir), nodeId },
    },
    retryJoin: cfg.retryJoin,
    retryIntervalMs: retryIntervalMs(cfg.retryIntervalMs, env),
    aws: awsEnv(env),
    log,
    initialData: initialAclData,
    onJoined: () => notifyReady('Consul agent joined the LAN', env),
  });

  const servers: { server: http.Server; host: string; port: number; label: string }[] = [];
  const shutdown = async (graceful: boolean, code: number) => {
    if (leaving) return;
    leaving = true;
    if (graceful) {
      log.line('INFO', 'agent', 'Gracefully shutting down agent...');
      log.line('INFO', 'agent.client.serf.lan', `serf: EventMemberLeave: ${cfg.nodeName} ${cfg.advertiseAddr}`);
    } else {
      log.line('INFO', 'agent', 'Graceful shutdown disabled. Exiting');
    }
    node.stop(graceful);
    if (graceful) log.line('INFO', 'agent', 'Graceful leave complete');
    for (const s of servers) s.server.close();
    log.line('INFO', 'agent', 'Endpoints down');
    process.exit(code);
  };

  const handler = consulApi({
    cfg,
    node,
    nodeId,
    stateDir,
    agentTokens,
    saveAgentTokens: () => {
      const out: Record<string, string> = {};
      for (const k of PERSISTED_KEYS) if (agentTokens[k]) out[k] = agentTokens[k]!;
      writeJsonAtomic(tokensFile, out, 0o600);
      log.line('INFO', 'agent', 'Updated agent\'s ACL token(s), persisted to acl-tokens.json');
    },
    leave: () => void shutdown(true, 0),
  });
  if (cfg.ports.https > 0 && !(cfg.tlsHttps.certFile && cfg.tlsHttps.keyFile)) {
    log.line('WARN', 'agent', 'HTTPS port set without cert_file/key_file (auto_encrypt certificate): the stand-in serves no HTTPS here');
  }
  try {
    for (const host of cfg.clientAddrs) {
      if (cfg.ports.http > 0) servers.push({ server: httpServer(handler), host, port: cfg.ports.http, label: 'HTTP' });
      if (cfg.ports.https > 0 && cfg.tlsHttps.certFile && cfg.tlsHttps.keyFile) {
        servers.push({
        server: httpsServer(handler, {
          caFile: cfg.tlsHttps.caFile,
          certFile: cfg.tlsHttps.certFile,
          keyFile: cfg.tlsHttps.keyFile,
          requireClientCert: cfg.tlsHttps.verifyIncoming,
        }),
          host,
          port: cfg.ports.https,
          label: 'HTTPS',
        });
      }
    }
  } catch (err) {
    log.banner(`==> Error starting agent: Failed to load cert/key pair: ${(err as Error).message}`);
    return 1;
  }
  try {
    await bindAll(servers, log);
  } catch (err) {
    log.banner(`==> Error starting agent: ${(err as Error).message}`);
    return 1;
  }

  if (cfg.server && cfg.acl.enabled && cfg.acl.tokens.initialManagement) {
    // Servers create the configured initial management token once a leader exists (leader.go).
    const secret = cfg.acl.tokens.initialManagement;
    const timer = setInterval(() => {
      const view = node.view();
      if (!view.leader) return;
      clearInterval(timer);
      void node.update((raft) => {
        if (Object.values(raft.data.tokens).some((t) => t.SecretID === secret)) return { next: null, result: null };
        const index = raft.index + 1;
        const token = newToken({ Description: 'Initial Management Token', SecretID: secret, Policies: [{ ID: GLOBAL_MANAGEMENT_ID, Name: 'global-management' }] }, index);
        const data = { ...raft.data, bootstrapIndex: raft.data.bootstrapIndex || index, tokens: { ...raft.data.tokens, [token.AccessorID]: token } };
        return { next: { ...raft, index, data }, result: null };
      });
      log.line('INFO', 'agent.server', 'Created ACL initial management token from configuration');
    }, 500);
  }

  node.start();
  log.line('INFO', 'agent', 'Consul agent running!');
  if (cfg.retryJoin.length === 0 && !cfg.bootstrap && cfg.bootstrapExpect !== 1) {
    log.line('WARN', 'agent', 'No retry_join or start_join configured: this agent waits for others to join it');
  }

  process.on('SIGTERM', () => {
    log.line('INFO', 'agent', 'Caught signal: terminated');
    void shutdown(cfg.leaveOnTerminate, cfg.leaveOnTerminate ? 0 : 1);
  });
  process.on('SIGINT', () => {
    log.line('INFO', 'agent', 'Caught signal: interrupt');
    void shutdown(!cfg.skipLeaveOnInterrupt, !cfg.skipLeaveOnInterrupt ? 0 : 1);
  });
  process.on('SIGHUP', () => {
    log.line('INFO', 'agent', 'Caught signal: hangup');
    log.line('INFO', 'agent', 'Reloading configuration...');
  });
  return new Promise<number>(() => {
    // Runs until a signal ends the process.
  });
}
