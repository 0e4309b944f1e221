import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { ClusterNode } from '../cluster/node.ts';
import type { ApiRequest, ApiResponse, Handler } from '../net/serve.ts';
import { ANONYMOUS_TOKEN, allows, type Capability, type NomadAclData, type NomadToken, newNomadToken, parseNomadRules } from './acl.ts';
import type { NomadConfig } from './config.ts';

// The Nomad HTTP API subset the agent uses. Nomad accepts PUT and POST alike for writes.

const text = (status: number, t: string): ApiResponse => ({ status, text: t });
const json = (body: unknown): ApiResponse => ({ status: 200, body });
const isWrite = (m: string) => m === 'PUT' || m === 'POST';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function body(req: ApiRequest): Record<string, unknown> {
  if (!req.body.trim()) return {};
  const v = JSON.parse(req.body) as unknown;
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
}

export function nomadApi(cfg: NomadConfig, node: ClusterNode<NomadAclData>): Handler {
  type Resolved = { ok: true; token: NomadToken; data: NomadAclData } | { ok: false; res: ApiResponse };

  function resolve(req: ApiRequest): Resolved {
    const view = node.view();
    if (!view.leader) return { ok: false, res: text(500, 'No cluster leader') };
    const data = view.raft.data;
    const header = req.headers['x-nomad-token'];
    const auth = req.headers['authorization'];
    const secret = typeof header === 'string' && header ? header : typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!secret) return { ok: true, token: ANONYMOUS_TOKEN, data };
    const token = Object.values(data.tokens).find((t) => t.SecretID === secret);
    return token ? { ok: true, token, data } : { ok: false, res: text(403, 'ACL token not found') };
  }

  function check(req: ApiRequest, cap: Capability | 'management', access: 'read' | 'write'): Resolved {
    if (!cfg.aclEnabled) {
      const view = node.view();
      return { ok: true, token: { ...ANONYMOUS_TOKEN, Type: 'management' }, data: view.raft.data };
    }
    const r = resolve(req);
    if (!r.ok) return r;
    const ok = cap === 'management' ? r.token.Type === 'management' : allows(r.data, r.token, cap, access);
    return ok ? r : { ok: false, res: text(403, 'Permission denied') };
  }

  async function bootstrap(req: ApiRequest): Promise<ApiResponse> {
    if (!cfg.aclEnabled) return text(400, 'ACL support disabled');
    const view = node.view();
    if (!view.leader) return text(500, 'No cluster leader');
    const b = body(req);
    const secret = typeof b['BootstrapSecret'] === 'string' ? b['BootstrapSecret'] : '';
    if (secret && !UUID_RE.test(secret)) return text(400, 'invalid acl token');
    const leaderDataDir = view.leader.meta?.['dataDir'];
    return node.update<ApiResponse>((raft) => {
      const data = raft.data;
      if (data.bootstrapIndex) {
        const resetFile = leaderDataDir ? path.join(leaderDataDir, 'server', 'acl-bootstrap-reset') : '';
        let specified = 0;
        try {
          specified = Number.parseInt(readFileSync(resetFile, 'utf8').trim(), 10) || 0;
        } catch {
          specified = 0;
        }
        if (!specified) return { next: null, result: text(400, `ACL bootstrap already done (reset index: ${data.bootstrapIndex})`) };
        rmSync(resetFile, { force: true });
        if (specified !== data.bootstrapIndex) {
          return { next: null, result: text(400, `Invalid bootstrap reset index (specified ${specified}, reset index: ${data.bootstrapIndex})`) };
        }
      }
      const index = raft.index + 1;
      const token = newNomadToken({ Name: 'Bootstrap Token', Type: 'management', Global: true, SecretID: secret }, index);
      return { next: { ...raft, index, data: { ...data, bootstrapIndex: index, tokens: { ...data.tokens, [token.AccessorID]: token } } }, result: json(token) };
    });
  }

  async function putPolicy(req: ApiRequest, name: string): Promise<ApiResponse> {
    if (!cfg.aclEnabled) return text(400, 'ACL support disabled');
    const r = check(req, 'management', 'write');
    if (!r.ok) return r.res;
    const b = body(req);
    if (b['Name'] !== undefined && b['Name'] !== name) return text(400, 'ACL policy name does not match request path');
    if (!/^[a-zA-Z0-9-]{1,128}$/.test(name)) return text(400, `invalid name '${name}'`);
    const rules = String(b['Rules'] ?? '');
    try {
      parseNomadRules(rules);
    } catch (err) {
      return text(400, `Invalid policy: ${(err as Error).message}`);
    }
    return node.update<ApiResponse>((raft) => {
      const index = raft.index + 1;
      const prev = raft.data.policies[name];
      const policy = { Name: name, Description: String(b['Description'] ?? ''), Rules: rules, CreateIndex: prev?.CreateIndex ?? index, ModifyIndex: index };
      return { next: { ...raft, index, data: { ...raft.data, policies: { ...raft.data.policies, [name]: policy } } }, result: { status: 200 } };
    });
  }

  async function createToken(req: ApiRequest): Promise<ApiResponse> {
    if (!cfg.aclEnabled) return text(400, 'ACL support disabled');
    const r = check(req, 'management', 'write');
    if (!r.ok) return r.res;
    const b = body(req);
    const type = b['Type'] === 'management' ? 'management' : b['Type'] === 'client' || b['Type'] === undefined ? 'client' : null;
    if (!type) return text(400, `token type must be client or management`);
    const policies = Array.isArray(b['Policies']) ? b['Policies'].map(String) : [];
    if (type === 'client' && policies.length === 0) return text(400, 'client token missing policies');
    if (type === 'management' && policies.length) return text(400, 'management token cannot be associated with policies');
    return node.update<ApiResponse>((raft) => {
      const missing = policies.find((p) => !raft.data.policies[p]);
      if (missing) return { next: null, result: text(400, `policy ${missing} does not exist`) };
      const index = raft.index + 1;
      const token = newNomadToken({ Name: String(b['Name'] ?? ''), Type: type, Policies: policies, Global: b['Global'] === true }, index);
      return { next: { ...raft, index, data: { ...raft.data, tokens: { ...raft.data.tokens, [token.AccessorID]: token } } }, result: json(token) };
    });
  }

  return async (req) => {
    const { method, path: p } = req;
    if (method === 'GET' && p === '/v1/status/leader') {
      const v = node.view();
      return v.leader ? json(`${v.leader.ip}:${v.leader.rpcPort}`) : text(500, 'No cluster leader');
    }
    if (method === 'GET' && p === '/v1/status/peers') {
      const v = node.view();
      return json(v.leader ? v.raft.peers.map((n) => {
        const m = v.pool.find((x) => x.name === n);
        return m ? `${m.ip}:${m.rpcPort}` : n;
      }) : []);
    }
    if (isWrite(method) && p === '/v1/acl/bootstrap') return bootstrap(req);
    if (method === 'GET' && p === '/v1/acl/token/self') {
      if (!cfg.aclEnabled) return text(400, 'ACL support disabled');
      const r = resolve(req);
      return r.ok ? json(r.token) : r.res;
    }
    if (isWrite(method) && p.startsWith('/v1/acl/policy/')) return putPolicy(req, decodeURIComponent(p.slice('/v1/acl/policy/'.length)));
    if (method === 'GET' && p === '/v1/acl/policies') {
      const r = check(req, 'management', 'read');
      return r.ok ? json(Object.values(r.data.policies).map(({ Rules: _r, ...rest }) => rest)) : r.res;
    }
    if (isWrite(method) && p === '/v1/acl/token') return createToken(req);
    if (method === 'GET' && p === '/v1/nodes') {
      const r = check(req, 'node', 'read');
      if (!r.ok) return r.res;
      const v = node.view();
      return json(
        v.pool
          .filter((m) => m.meta?.['client'] === 'true')
          .map((m) => ({
            ID: m.meta?.['nodeId'] ?? m.name,
            Name: m.name,
            Address: m.ip,
            Datacenter: m.meta?.['datacenter'] ?? cfg.datacenter,
            NodeClass: m.meta?.['nodeClass'] ?? '',
            NodePool: m.meta?.['nodePool'] ?? 'default',
            Status: 'ready',
            SchedulingEligibility: 'eligible',
            Drain: false,
            Version: '1.9.7',
            CreateIndex: 1,
            ModifyIndex: v.raft.index,
          })),
      );
    }
    if (method === 'GET' && p === '/v1/agent/self') {
      const r = check(req, 'agent', 'read');
      if (!r.ok) return r.res;
      const v = node.view();
      return json({
        config: { Region: cfg.region, Datacenter: cfg.datacenter, NodeName: cfg.name, DataDir: cfg.dataDir, ACL: { Enabled: cfg.aclEnabled }, Version: { Version: '1.9.7' } },
        member: { Name: `${cfg.name}.${cfg.region}`, Addr: cfg.advertiseAddr, Port: cfg.ports.serf, Status: 'alive', Tags: { region: cfg.region, dc: cfg.datacenter } },
        stats: { nomad: { leader: String(v.leader?.name === cfg.name), server: String(cfg.server.enabled) }, client: cfg.client.enabled ? { known_servers: v.pool.filter((m) => m.server).map((m) => `${m.ip}:${m.rpcPort}`).join(',') } : undefined },
      });
    }
    return text(404, 'Invalid URL');
  };
}
