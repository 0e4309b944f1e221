import { type ApiEndpoint, apiError, call, parseJson } from './api.ts';

// The Nomad HTTP API calls the workflow makes. As with Consul, the ACL bootstrap secret is chosen
// and stored before the call; a second call answers 400 "ACL bootstrap already done".

export type NomadBootstrapResult = { kind: 'bootstrapped'; accessorId: string } | { kind: 'already-done' };

export class NomadApi {
  readonly ep: ApiEndpoint;

  constructor(ep: ApiEndpoint) {
    this.ep = ep;
  }

  async leader(token?: string): Promise<string> {
    const res = await call('nomad', this.ep, 'GET', '/v1/status/leader', token ? { token } : {});
    return parseJson<string>('nomad', '/v1/status/leader', res.body) ?? '';
  }

  async aclBootstrap(secret: string): Promise<NomadBootstrapResult> {
    const res = await call('nomad', this.ep, 'POST', '/v1/acl/bootstrap', { body: { BootstrapSecret: secret }, accept: [400, 403] });
    if (res.status !== 200) {
      if (/already done|no longer allowed/i.test(res.body)) return { kind: 'already-done' };
      throw apiError('nomad', 'POST', `${this.ep.address}/v1/acl/bootstrap`, res);
    }
    const body = parseJson<{ AccessorID?: string }>('nomad', '/v1/acl/bootstrap', res.body);
    return { kind: 'bootstrapped', accessorId: body.AccessorID ?? '' };
  }

  async tokenSelf(token: string): Promise<{ AccessorID: string; Type?: string } | null> {
    const res = await call('nomad', this.ep, 'GET', '/v1/acl/token/self', { token, accept: [400, 401, 403, 404] });
    if (res.status !== 200) return null;
    return parseJson('nomad', '/v1/acl/token/self', res.body);
  }

  /** Nomad's policy write is an upsert by name: naturally idempotent. */
  async upsertPolicy(token: string, name: string, description: string, rules: string): Promise<void> {
    await call('nomad', this.ep, 'POST', `/v1/acl/policy/${encodeURIComponent(name)}`, { token, body: { Name: name, Description: description, Rules: rules } });
  }

  async nodes(token?: string): Promise<{ ID: string; Name: string; Status: string }[]> {
    const res = await call('nomad', this.ep, 'GET', '/v1/nodes', token ? { token } : {});
    return parseJson('nomad', '/v1/nodes', res.body);
  }

  async agentSelf(token?: string): Promise<unknown> {
    const res = await call('nomad', this.ep, 'GET', '/v1/agent/self', token ? { token } : {});
    return parseJson('nomad', '/v1/agent/self', res.body);
  }
}
