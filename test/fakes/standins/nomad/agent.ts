import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { awsEnv, bindAll, nameClash, retryIntervalMs, stateDirFor } from '../agent-common.ts';
import { ClusterNode, keyHash } from '../cluster/node.ts';
import { parseJoinEntry } from '../cluster/join.ts';
import type { AgentLog } from '../log.ts';
import { httpServer, httpsServer } from '../net/serve.ts';
import { notifyReady } from '../notify.ts';
import { isAlive, readMembers } from '../state/members.ts';
import { initialNomadAcl, type NomadAclData } from './acl.ts';
import { nomadApi } from './api.ts';
import type { NomadConfig } from './config.ts';

// `nomad agent`: one process may be server, client or both. Servers form raft like Consul's
// stand-in; clients register with any reachable server of their region (client.servers,
// client.server_join, or, with neither, the servers registered in the shared state, as Nomad's
// Consul auto-join would find them).

function nodeId(dataDir: string): string {
  const dir = path.join(dataDir, 'client');
  const file = path.join(dir, 'client-id');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(dir, { recursive: true });
    const id = randomUUID();
    writeFileSync(file, id);
    return id;
  }
}

export async function runNomadAgent(cfg: NomadConfig, env: NodeJS.ProcessEnv, log: AgentLog): Promise<number> {
  mkdirSync(path.join(cfg.dataDir, 'server'), { recursive: true });
  const id = nodeId(cfg.dataDir);
  const stateDir = stateDirFor(env, cfg.dataDir);
  const clash = nameClash(stateDir, 'nomad', cfg.name);
  if (clash) {
    log.banner(`==> Error starting agent: node name '${cfg.name}' is already used by a live agent at ${clash.ip}`);
    return 1;
  }
  log.banner('==> Loaded configuration from ' + cfg.files.join(', '));
  log.banner('==> Starting Nomad agent...');
  for (const w of cfg.warnings) log.banner(w);
  log.banner('==> Nomad agent configuration:\n');
  log.banner(`       Advertise Addrs: HTTP: ${cfg.advertiseAddr}:${cfg.ports.http}; RPC: ${cfg.advertiseAddr}:${cfg.ports.rpc}; Serf: ${cfg.advertiseAddr}:${cfg.ports.serf}`);
  log.banner(`            Bind Addrs: HTTP: [${cfg.httpAddr}:${cfg.ports.http}]; RPC: ${cfg.bindAddr}:${cfg.ports.rpc}; Serf: ${cfg.bindAddr}:${cfg.ports.serf}`);
  log.banner(`                Client: ${cfg.client.enabled}`);
  log.banner(`             Log Level: INFO`);
  log.banner(`               Node Id: ${id}`);
  log.banner(`                Region: ${cfg.region} (DC: ${cfg.datacenter})`);
  log.banner(`                Server: ${cfg.server.enabled}`);
  log.banner(`               Version: 1.9.7\n`);
  log.banner('==> Nomad agent started! Log data will stream in below:\n');

  const serverOnly = cfg.server.enabled;
  const clientTargets = [...cfg.client.servers.map((s) => parseJoinEntry(s).kind === 'addr' ? s.split(':')[0]! : s), ...cfg.client.join];
  const node = new ClusterNode<NomadAclData>({
    stateDir,
    product: 'nomad',
    self: {
      name: cfg.name,
      ip: cfg.advertiseAddr,
      rpcPort: cfg.ports.rpc,
      server: cfg.server.enabled,
      dc: cfg.region,
      pid: process.pid,
      startedAt: Date.now(),
      heartbeat: Date.now(),
      keyHash: serverOnly ? keyHash(cfg.server.encrypt) : null,
      expect: cfg.server.bootstrapExpect,
      joined: [],
      left: false,
      http: `${cfg.tls.http ? 'https' : 'http'}://${cfg.httpAddr}:${cfg.ports.http}`,
      meta: {
        dataDir: path.resolve(cfg.dataDir),
        nodeId: id,
        client: String(cfg.client.enabled),
        datacenter: cfg.datacenter,
        nodeClass: cfg.client.nodeClass,
        nodePool: cfg.client.nodePool,
      },
      ...(cfg.server.enabled ? {} : { rpcOnly: true }),
    },
    retryJoin: cfg.server.enabled ? cfg.server.join : clientTargets,
    retryIntervalMs: retryIntervalMs(cfg.server.retryIntervalMs, env),
    aws: awsEnv(env),
    log,
    initialData: initialNomadAcl,
    ...(!cfg.server.enabled && clientTargets.length === 0
      ? { discover: () => readMembers(stateDir, 'nomad').filter((m) => m.server && m.dc === cfg.region && isAlive(m)).map((m) => m.ip) }
      : {}),
  });

  const handler = nomadApi(cfg, node);
  let server: http.Server;
  try {
    server = cfg.tls.http
      ? httpsServer(handler, { caFile: cfg.tls.caFile, certFile: cfg.tls.certFile!, keyFile: cfg.tls.keyFile!, requireClientCert: cfg.tls.verifyHttpsClient })
      : httpServer(handler);
  } catch (err) {
    log.banner(`==> Error starting agent: Failed to setup TLS: ${(err as Error).message}`);
    return 1;
  }
  try {
    await bindAll([{ server, host: cfg.httpAddr, port: cfg.ports.http, label: cfg.tls.http ? 'HTTPS' : 'HTTP' }], log);
  } catch (err) {
    log.banner(`==> Error starting agent: ${(err as Error).message}`);
    return 1;
  }
  node.start();
  notifyReady('Nomad agent started', env);

  const stop = (graceful: boolean) => {
    if (graceful) log.line('INFO', 'agent', 'requesting graceful leave from Serf');
    node.stop(graceful);
    server.close();
    log.line('INFO', 'agent', 'shutdown complete');
    process.exit(graceful ? 0 : 1);
  };
  process.on('SIGTERM', () => {
    log.line('INFO', 'agent', 'Caught signal: terminated');
    stop(cfg.leaveOnTerminate);
  });
  process.on('SIGINT', () => {
    log.line('INFO', 'agent', 'Caught signal: interrupt');
    stop(cfg.leaveOnInterrupt);
  });
  process.on('SIGHUP', () => log.line('INFO', 'agent', 'Caught signal: hangup; reloading configuration'));
  return new Promise<number>(() => {
    // Runs until a signal ends the process.
  });
}
