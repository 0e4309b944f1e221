import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// In-process Consul/Nomad/Vault API models for unit tests of the clients and the bootstrap dance:
// the ACL semantics the workflow relies on (one bootstrap, chosen secrets, 403 after), nothing more.
// The full stand-in processes (test/fakes/bin) are what integration tests use.

export interface ConsulModel {
  leader: string;
  up: boolean;
  bootstrapCalls: number;
  resetIndex: number;
  management: string | null;
  policies: Map<string, string>;
  tokens: Map<string, { accessor: string; policies: string[]; nodeIdentities: string[] }>;
  agentTokens: Record<string, string>;
  defaultPolicy: 'allow' | 'deny';
  requests: string[];
}

export function newConsulModel(): ConsulModel {
  return {
    leader: '127.0.0.1:8300',
    up: true,
    bootstrapCalls: 0,
    resetIndex: 0,
    management: null,
    policies: new Map(),
    tokens: new Map(),
    agentTokens: {},
    defaultPolicy: 'deny',
    requests: [],
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

export interface FakeApi {
  url: string;
  close(): Promise<void>;
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<FakeApi> {
  const server: Server = createServer((req, res) => {
    readBody(req).then((body) => handler(req, res, body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export function startFakeConsul(m: ConsulModel): Promise<FakeApi> {
  return listen((req, res, body) => {
    const token = (req.headers['x-consul-token'] as string | undefined) ?? '';
    m.requests.push(`${req.method} ${req.url}`);
    if (!m.up) {
      req.socket.destroy();
      return;
    }
    const isMgmt = m.management !== null && token === m.management;
    const known = isMgmt || m.tokens.has(token);
    const aclOn = m.management !== null && m.defaultPolicy === 'deny';
    const denied = () => send(res, 403, 'Permission denied');
    switch (`${req.method} ${req.url}`) {
      case 'GET /v1/status/leader':
        return send(res, 200, JSON.stringify(m.leader));
      case 'GET /v1/status/peers':
        return send(res, 200, m.leader ? [m.leader] : []);
      case 'PUT /v1/acl/bootstrap': {
        m.bootstrapCalls++;
        if (m.management !== null) return send(res, 403, `Permission denied: ACL bootstrap no longer allowed (reset index: ${m.resetIndex})`);
        const secret = (JSON.parse(body || '{}') as { BootstrapSecret?: string }).BootstrapSecret ?? crypto.randomUUID();
        m.management = secret;
        m.resetIndex = 13;
        return send(res, 200, { AccessorID: 'acc-mgmt', SecretID: secret });
      }
      case 'GET /v1/acl/token/self':
        if (isMgmt) return send(res, 200, { AccessorID: 'acc-mgmt', Policies: [{ Name: 'global-management' }] });
        if (m.tokens.has(token)) return send(res, 200, { AccessorID: m.tokens.get(token)!.accessor });
        return send(res, 403, 'ACL not found');
      case 'PUT /v1/acl/policy': {
        if (!isMgmt) return denied();
        const p = JSON.parse(body) as { Name: string; Rules: string };
        if (m.policies.has(p.Name)) return send(res, 500, `Invalid Policy: A Policy with Name "${p.Name}" already exists`);
        m.policies.set(p.Name, p.Rules);
        return send(res, 200, { ID: `pol-${p.Name}`, Name: p.Name });
      }
      case 'PUT /v1/acl/token': {
        if (!isMgmt) return denied();
        const t = JSON.parse(body) as { AccessorID: string; SecretID: string; Policies?: { Name: string }[]; NodeIdentities?: { NodeName: string }[] };
        if ([...m.tokens.values()].some((x) => x.accessor === t.AccessorID)) return send(res, 500, 'Invalid Token: AccessorID is already in use');
        for (const p of t.Policies ?? []) if (!m.policies.has(p.Name)) return send(res, 500, `cannot find policy ${p.Name}`);
        m.tokens.set(t.SecretID, { accessor: t.AccessorID, policies: (t.Policies ?? []).map((p) => p.Name), nodeIdentities: (t.NodeIdentities ?? []).map((n) => n.NodeName) });
        return send(res, 200, { AccessorID: t.AccessorID, SecretID: t.SecretID });
      }
      case 'PUT /v1/agent/token/agent':
      case 'PUT /v1/agent/token/default': {
        if (aclOn && !isMgmt) return denied();
        m.agentTokens[req.url!.split('/').pop()!] = (JSON.parse(body) as { Token: string }).Token;
        return send(res, 200, '');
      }
      case 'GET /v1/agent/self':
        if (aclOn && !known) return denied();
        return send(res, 200, { Config: { NodeName: 'node-1', Datacenter: 'dc1', Server: true } });
      case 'GET /v1/agent/members':
        return send(res, 200, [{ Name: 'node-1', Addr: '127.0.0.1', Status: 1 }]);
      case 'GET /v1/catalog/nodes':
        return send(res, 200, [{ Node: 'node-1', Address: '127.0.0.1' }]);
      default:
        return send(res, 404, 'not found');
    }
  });
}

export interface NomadModel {
  leader: string;
  management: string | null;
  bootstrapCalls: number;
  policies: Map<string, string>;
}

export function newNomadModel(): NomadModel {
  return { leader: '127.0.0.1:4647', management: null, bootstrapCalls: 0, policies: new Map() };
}

export function startFakeNomad(m: NomadModel): Promise<FakeApi> {
  return listen((req, res, body) => {
    const token = (req.headers['x-nomad-token'] as string | undefined) ?? '';
    const route = `${req.method} ${req.url}`;
    if (route === 'GET /v1/status/leader') return send(res, 200, JSON.stringify(m.leader));
    if (route === 'POST /v1/acl/bootstrap') {
      m.bootstrapCalls++;
      if (m.management !== null) return send(res, 400, 'ACL bootstrap already done (reset index: 7)');
      m.management = (JSON.parse(body || '{}') as { BootstrapSecret?: string }).BootstrapSecret ?? 'generated';
      return send(res, 200, { AccessorID: 'nomad-acc', SecretID: m.management, Type: 'management' });
    }
    if (route === 'GET /v1/acl/token/self') {
      if (m.management !== null && token === m.management) return send(res, 200, { AccessorID: 'nomad-acc', Type: 'management' });
      return send(res, 403, 'ACL token not found');
    }
    if (req.method === 'POST' && req.url?.startsWith('/v1/acl/policy/')) {
      if (token !== m.management) return send(res, 403, 'Permission denied');
      m.policies.set(decodeURIComponent(req.url.slice('/v1/acl/policy/'.length)), (JSON.parse(body) as { Rules: string }).Rules);
      return send(res, 200, '');
    }
    if (route === 'GET /v1/nodes') return send(res, 200, [{ ID: 'n1', Name: 'w1', Status: 'ready' }]);
    return send(res, 404, 'not found');
  });
}

export function startFakeVault(state: { status: number; body?: unknown }): Promise<FakeApi> {
  return listen((req, res) => {
    if (req.url?.startsWith('/v1/sys/health')) return send(res, state.status, state.body ?? {});
    if (req.url === '/v1/sys/seal-status') return send(res, 200, { sealed: true, initialized: false, type: 'shamir' });
    return send(res, 404, 'not found');
  });
}
