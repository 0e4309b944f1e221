import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { ClusterNode, ClusterView } from '../cluster/node.ts';
import type { ApiRequest, ApiResponse, Handler } from '../net/serve.ts';
import { isAlive, readMembers } from '../state/members.ts';
import {
  ANONYMOUS_ACCESSOR,
  type Authorizer,
  type ConsulAclData,
  type ConsulPolicy,
  type ConsulToken,
  findBySecret,
  findPolicy,
  GLOBAL_MANAGEMENT_ID,
  isUuid,
  newToken,
  permissionDenied,
  authorizer as tokenAuthorizer,
} from './acl.ts';
import type { ConsulConfig } from './config.ts';
import { parseRules } from './rules.ts';

// The HTTP API subset the agent uses, with Consul's status codes and error texts.

export const AGENT_TOKEN_TYPES: Record<string, string> = {
  default: 'default',
  agent: 'agent',
  agent_recovery: 'agent_recovery',
  agent_master: 'agent_recovery',
  replication: 'replication',
  config_file_service_registration: 'config_file_service_registration',
  dns: 'dns',
  acl_token: 'default',
  acl_agent_token: 'agent',
  acl_agent_master_token: 'agent_recovery',
  acl_replication_token: 'replication',
};

export interface ConsulContext {
  cfg: ConsulConfig;
  node: ClusterNode<ConsulAclData>;
  nodeId: string;
  stateDir: string;
  /** Tokens set on this agent (config, then the token API / persisted file). */
  agentTokens: Record<string, string | undefined>;
  saveAgentTokens(): void;
  leave(): void;
}

const text = (status: number, t: string): ApiResponse => ({ status, text: t });
const json = (body: unknown, headers?: Record<string, string>): ApiResponse => ({ status: 200, body, headers });

function parseBody(req: ApiRequest): Record<string, unknown> {
  if (!req.body.trim()) return {};
  const v = JSON.parse(req.body) as unknown;
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
}

function requestSecret(req: ApiRequest): string {
  const header = req.headers['x-consul-token'];
  if (typeof header === 'string' && header) return header;
  const auth = req.headers['authorization'];
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7).trim();
  return req.query.get('token') ?? '';
}

export function consulApi(ctx: ConsulContext): Handler {
  const { cfg } = ctx;
  const addr = (name: string, view: ClusterView<ConsulAclData>) => {
    const m = view.pool.find((p) => p.name === name) ?? readMembers(ctx.stateDir, 'consul').find((p) => p.name === name);
    return m ? `${m.ip}:${m.rpcPort}` : name;
  };

  type Resolved = { ok: true; authz: Authorizer; token: ConsulToken | null; view: ClusterView<ConsulAclData> } | { ok: false; res: ApiResponse };

  function resolve(req: ApiRequest): Resolved {
    const view = ctx.node.view();
    const all: Authorizer = { accessorId: '', management: true, allows: () => true };
    if (!cfg.acl.enabled) return { ok: true, authz: all, token: null, view };
    const secret = requestSecret(req) || ctx.agentTokens['default'] || '';
    if (secret && secret === ctx.agentTokens['agent_recovery']) return { ok: true, authz: all, token: null, view };
    if (!view.leader) return { ok: false, res: text(500, 'No cluster leader') };
    const data = view.raft.data;
    const token = secret ? findBySecret(data, secret) : data.tokens[ANONYMOUS_ACCESSOR];
    if (!token) return { ok: false, res: text(403, 'ACL not found') };
    return { ok: true, authz: tokenAuthorizer(data, token, cfg.acl.defaultPolicy, cfg.datacenter), token, view };
  }

  function aclGate(): ApiResponse | null {
    return cfg.acl.enabled ? null : text(401, 'ACL support disabled');
  }

  function memberJson(m: { name: string; ip: string; server: boolean; dc: string }, status: number) {
    return {
      Name: m.name,
      Addr: m.ip,
      Port: cfg.ports.serfLan,
      Tags: { dc: m.dc, role: m.server ? 'consul' : 'node', segment: '', ...(m.server ? { port: String(cfg.ports.server) } : {}) },
      Status: status,
      ProtocolMin: 1,
      ProtocolMax: 5,
      ProtocolCur: 2,
      DelegateMin: 2,
      DelegateMax: 5,
      DelegateCur: 4,
    };
  }

  async function bootstrap(req: ApiRequest): Promise<ApiResponse> {
    const gate = aclGate();
    if (gate) return gate;
    const view = ctx.node.view();
    if (!view.leader) return text(500, 'No cluster leader');
    const body = parseBody(req);
    const secret = typeof body['BootstrapSecret'] === 'string' ? body['BootstrapSecret'] : '';
    if (secret && !isUuid(secret)) return text(400, 'Bad request: Invalid BootstrapSecret: must be a UUID');
    const leaderDataDir = view.leader.meta?.['dataDir'];
    return ctx.node.update<ApiResponse>((raft) => {
      const data = raft.data;
      if (data.bootstrapIndex) {
        // The documented escape hatch: <data_dir>/acl-bootstrap-reset on the leader holding the reset index.
        const resetFile = leaderDataDir ? path.join(leaderDataDir, 'acl-bootstrap-reset') : '';
        let specified = 0;
        try {
          specified = Number.parseInt(readFileSync(resetFile, 'utf8').trim(), 10) || 0;
        } catch {
          specified = 0;
        }
        if (!specified) return { next: null, result: text(403, `Permission denied: ACL bootstrap no longer allowed (reset index: ${data.bootstrapIndex})`) };
        rmSync(resetFile, { force: true });
        if (specified !== data.bootstrapIndex) {
          return { next: null, result: text(403, `Permission denied: Invalid bootstrap reset index (specified ${specified}, reset index: ${data.bootstrapIndex})`) };
        }
      }
      if (secret && findBySecret(data, secret)) return { next: null, result: text(500, 'Invalid Token: SecretID is already in use') };
      const index = raft.index + 1;
      const token = newToken(
        { Description: 'Bootstrap Token (Global Management)', SecretID: secret, Policies: [{ ID: GLOBAL_MANAGEMENT_ID, Name: 'global-management' }] },
        index,
      );
      const next = { ...raft, index, data: { ...data, bootstrapIndex: index, tokens: { ...data.tokens, [token.AccessorID]: token } } };
      return { next, result: json({ ID: token.SecretID, ...token }) };
    });
  }

  function denied(authz: Authorizer, resource: Parameters<Authorizer['allows']>[0], access: 'read' | 'write', name?: string): ApiResponse {
    return text(403, permissionDenied(authz.accessorId, resource, access, name));
  }

  async function createPolicy(req: ApiRequest, id: string | null): Promise<ApiResponse> {
    const gate = aclGate();
    if (gate) return gate;
    const r = resolve(req);
    if (!r.ok) return r.res;
    if (!r.authz.allows('acl', '', 'write')) return denied(r.authz, 'acl', 'write');
    const body = parseBody(req);
    const name = String(body['Name'] ?? '');
    if (!/^[A-Za-z0-9\-_/]{1,128}$/.test(name)) return text(400, 'Bad request: Invalid Policy: invalid Name');
    const rules = String(body['Rules'] ?? '');
    try {
      parseRules(rules);
    } catch (err) {
      return text(400, `Bad request: Invalid Policy: ${(err as Error).message}`);
    }
    return ctx.node.update<ApiResponse>((raft) => {
      const data = raft.data;
      const existing = findPolicy(data, { Name: name });
      if (existing && existing.ID !== id) return { next: null, result: text(500, `Invalid Policy: A Policy with Name "${name}" already exists`) };
      if (id && !data.policies[id]) return { next: null, result: text(500, `Cannot find policy ${id}`) };
      const index = raft.index + 1;
      const policy: ConsulPolicy = {
        ID: id ?? crypto.randomUUID(),
        Name: name,
        Description: String(body['Description'] ?? ''),
        Rules: rules,
        ...(Array.isArray(body['Datacenters']) ? { Datacenters: body['Datacenters'].map(String) } : {}),
        Hash: Buffer.from(rules).toString('base64').slice(0, 44),
        CreateIndex: id ? data.policies[id]!.CreateIndex : index,
        ModifyIndex: index,
      };
      return { next: { ...raft, index, data: { ...data, policies: { ...data.policies, [policy.ID]: policy } } }, result: json(policy) };
    });
  }

  async function createToken(req: ApiRequest): Promise<ApiResponse> {
    const gate = aclGate();
    if (gate) return gate;
    const r = resolve(req);
    if (!r.ok) return r.res;
    if (!r.authz.allows('acl', '', 'write')) return denied(r.authz, 'acl', 'write');
    const body = parseBody(req);
    for (const k of ['AccessorID', 'SecretID'] as const) {
      const v = body[k];
      if (v !== undefined && v !== '' && (typeof v !== 'string' || !isUuid(v))) return text(400, `Bad request: Invalid Token: ${k} must be a UUID`);
    }
    return ctx.node.update<ApiResponse>((raft) => {
      const data = raft.data;
      const links: { ID: string; Name: string }[] = [];
      for (const ref of (body['Policies'] as { ID?: string; Name?: string }[] | undefined) ?? []) {
        const p = findPolicy(data, ref);
        if (!p) return { next: null, result: text(400, `Bad request: cannot find policy ${ref.ID ?? ref.Name}`) };
        links.push({ ID: p.ID, Name: p.Name });
      }
      if (body['AccessorID'] && data.tokens[String(body['AccessorID'])]) return { next: null, result: text(500, 'Invalid Token: AccessorID is already in use') };
      if (body['SecretID'] && findBySecret(data, String(body['SecretID']))) return { next: null, result: text(500, 'Invalid Token: SecretID is already in use') };
      const nodeIds = ((body['NodeIdentities'] as { NodeName?: string; Datacenter?: string }[] | undefined) ?? []).map((n) => ({
        NodeName: String(n.NodeName ?? ''),
        Datacenter: String(n.Datacenter ?? ''),
      }));
      if (nodeIds.some((n) => !n.NodeName || !n.Datacenter)) return { next: null, result: text(400, 'Bad request: Node identity is missing the node name or datacenter') };
      const index = raft.index + 1;
      const token = newToken(
        {
          AccessorID: body['AccessorID'] as string | undefined,
          SecretID: body['SecretID'] as string | undefined,
          Description: String(body['Description'] ?? ''),
          Policies: links,
          NodeIdentities: nodeIds,
          ServiceIdentities: (body['ServiceIdentities'] as ConsulToken['ServiceIdentities']) ?? [],
          Local: body['Local'] === true,
        },
        index,
      );
      return { next: { ...raft, index, data: { ...data, tokens: { ...data.tokens, [token.AccessorID]: token } } }, result: json(token) };
    });
  }

  function readAcl(req: ApiRequest, fn: (data: ConsulAclData) => ApiResponse): ApiResponse {
    const gate = aclGate();
    if (gate) return gate;
    const r = resolve(req);
    if (!r.ok) return r.res;
    if (!r.authz.allows('acl', '', 'read')) return denied(r.authz, 'acl', 'read');
    return fn(r.view.raft.data);
  }

  function agentToken(req: ApiRequest, kind: string): ApiResponse {
    const gate = aclGate();
    if (gate) return gate;
    const target = AGENT_TOKEN_TYPES[kind];
    if (!target) return text(404, `Token "${kind}" is unknown`);
    const r = resolve(req);
    if (!r.ok) return r.res;
    if (!r.authz.allows('agent', cfg.nodeName, 'write')) return denied(r.authz, 'agent', 'write', cfg.nodeName);
    const body = parseBody(req);
    const token = typeof body['Token'] === 'string' ? body['Token'] : '';
    ctx.agentTokens[target] = token || undefined;
    if (cfg.acl.enableTokenPersistence) ctx.saveAgentTokens();
    return { status: 200 };
  }

  function members(req: ApiRequest, catalog: boolean): ApiResponse {
    const r = resolve(req);
    if (!r.ok) return r.res;
    if (catalog && !r.view.leader) return text(500, 'No cluster leader');
    const known = readMembers(ctx.stateDir, 'consul');
    const inPool = new Set(r.view.pool.map((m) => m.name));
    const me = r.view.pool.find((m) => m.name === cfg.nodeName);
    // Members that were in our pool and are now gone: listed as left (3) or failed (4) like serf does.
    const failed = known.filter(
      (m) => !inPool.has(m.name) && m.dc === cfg.datacenter && (me?.joined.includes(m.name) || m.joined.some((n) => inPool.has(n))),
    );
    let filtered = false;
    const visible = (name: string) => {
      const ok = r.authz.allows('node', name, 'read');
      if (!ok) filtered = true;
      return ok;
    };
    const headers = () => (filtered ? { 'X-Consul-Results-Filtered-By-ACLs': 'true' } : undefined);
    if (catalog) {
      const nodes = [...r.view.pool, ...failed.filter((m) => !m.left)]
        .filter((m) => visible(m.name))
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((m) => ({
          ID: m.meta?.['nodeId'] ?? '',
          Node: m.name,
          Address: m.ip,
          Datacenter: m.dc,
          TaggedAddresses: { lan: m.ip, lan_ipv4: m.ip, wan: m.ip, wan_ipv4: m.ip },
          Meta: { 'consul-network-segment': '' },
          CreateIndex: 1,
          ModifyIndex: r.view.raft.index,
        }));
      return json(nodes, { 'X-Consul-Index': String(r.view.raft.index), 'X-Consul-KnownLeader': 'true', ...headers() });
    }
    const list = [
      ...r.view.pool.filter((m) => visible(m.name)).map((m) => memberJson(m, 1)),
      ...failed.filter((m) => visible(m.name)).map((m) => memberJson(m, m.left || !isAlive(m) ? (m.left ? 3 : 4) : 1)),
    ];
    return json(list, headers());
  }

  function agentSelf(req: ApiRequest): ApiResponse {
    const r = resolve(req);
    if (!r.ok) return r.res;
    if (!r.authz.allows('agent', cfg.nodeName, 'read')) return denied(r.authz, 'agent', 'read', cfg.nodeName);
    const me = r.view.pool.find((m) => m.name === cfg.nodeName) ?? ctx.node.self;
    return json({
      Config: {
        Datacenter: cfg.datacenter,
        PrimaryDatacenter: cfg.datacenter,
        NodeName: cfg.nodeName,
        NodeID: ctx.nodeId,
        Server: cfg.server,
        Revision: 'standin',
        Version: '1.19.2',
      },
      DebugConfig: {
        ACLsEnabled: cfg.acl.enabled,
        BootstrapExpect: cfg.bootstrapExpect,
        Bootstrap: cfg.bootstrap,
        RetryJoinLAN: cfg.retryJoin,
        ClientAddrs: cfg.clientAddrs,
        DataDir: cfg.dataDir,
      },
      Member: memberJson(me, 1),
      Meta: {},
      Stats: {
        consul: { server: String(cfg.server), leader: String(r.view.leader?.name === cfg.nodeName), known_servers: String(r.view.pool.filter((m) => m.server).length) },
        raft: { num_peers: String(Math.max(0, r.view.raft.peers.length - 1)), term: String(r.view.raft.term) },
      },
    });
  }

  return async (req) => {
    const { method, path: p } = req;
    const view = () => ctx.node.view();
    const route = `${method} ${p}`;
    if (route === 'GET /v1/status/leader') {
      const v = view();
      if (!cfg.server && !v.pool.some((m) => m.server)) return text(500, 'No known Consul servers');
      return json(v.leader ? `${v.leader.ip}:${v.leader.rpcPort}` : '');
    }
    if (route === 'GET /v1/status/peers') {
      const v = view();
      if (!cfg.server && !v.pool.some((m) => m.server)) return text(500, 'No known Consul servers');
      return json(v.leader ? v.raft.peers.map((n) => addr(n, v)) : []);
    }
    if (route === 'PUT /v1/acl/bootstrap') return bootstrap(req);
    if (route === 'GET /v1/acl/token/self') {
      const gate = aclGate();
      if (gate) return gate;
      const r = resolve(req);
      return r.ok ? (r.token ? json(r.token) : text(403, 'ACL not found')) : r.res;
    }
    if (route === 'PUT /v1/acl/policy') return createPolicy(req, null);
    if (method === 'PUT' && p.startsWith('/v1/acl/policy/')) return createPolicy(req, p.slice('/v1/acl/policy/'.length));
    if (route === 'GET /v1/acl/policies') return readAcl(req, (d) => json(Object.values(d.policies)));
    if (method === 'GET' && p.startsWith('/v1/acl/policy/name/')) {
      const name = decodeURIComponent(p.slice('/v1/acl/policy/name/'.length));
      return readAcl(req, (d) => {
        const pol = findPolicy(d, { Name: name });
        return pol ? json(pol) : text(403, 'ACL not found');
      });
    }
    if (route === 'PUT /v1/acl/token') return createToken(req);
    if (route === 'GET /v1/acl/tokens') return readAcl(req, (d) => json(Object.values(d.tokens).map(({ SecretID: _s, ...t }) => t)));
    if (method === 'GET' && p.startsWith('/v1/acl/token/')) {
      const id = p.slice('/v1/acl/token/'.length);
      return readAcl(req, (d) => (d.tokens[id] ? json(d.tokens[id]) : text(403, 'ACL not found')));
    }
    if (method === 'PUT' && p.startsWith('/v1/agent/token/')) return agentToken(req, p.slice('/v1/agent/token/'.length));
    if (route === 'GET /v1/agent/self') return agentSelf(req);
    if (route === 'GET /v1/agent/members') return members(req, false);
    if (route === 'GET /v1/catalog/nodes') return members(req, true);
    if (route === 'PUT /v1/agent/leave') {
      const r = resolve(req);
      if (!r.ok) return r.res;
      if (!r.authz.allows('agent', cfg.nodeName, 'write')) return denied(r.authz, 'agent', 'write', cfg.nodeName);
      setTimeout(() => ctx.leave(), 50);
      return { status: 200 };
    }
    const known = ['/v1/status/leader', '/v1/status/peers', '/v1/acl/bootstrap', '/v1/acl/token', '/v1/acl/policy', '/v1/agent/self', '/v1/agent/members', '/v1/catalog/nodes'];
    if (known.includes(p)) return text(405, `method ${method} not allowed`);
    return text(404, '404 page not found\n');
  };
}
