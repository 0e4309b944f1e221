import { HashinodeError } from '../core/errors.ts';
import { type ApiEndpoint, apiError, call, parseJson } from './api.ts';

// The Consul HTTP API calls the workflow makes. Every write is made idempotent by the caller
// choosing the identifiers and secrets up front (BootstrapSecret, AccessorID/SecretID), so a retry
// after a crash either creates the thing or finds it already there.

export type AclBootstrapResult =
  | { kind: 'bootstrapped'; accessorId: string }
  | { kind: 'already-done'; resetIndex: number | null };

export interface ConsulTokenSpec {
  AccessorID: string;
  SecretID: string;
  Description: string;
  Policies?: { Name: string }[];
  NodeIdentities?: { NodeName: string; Datacenter: string }[];
  Local?: boolean;
}

export interface ConsulPolicySpec {
  Name: string;
  Description: string;
  Rules: string;
}

export interface ConsulMember {
  Name: string;
  Addr: string;
  Status: number;
  Tags?: Record<string, string>;
}

export class ConsulApi {
  readonly ep: ApiEndpoint;

  constructor(ep: ApiEndpoint) {
    this.ep = ep;
  }

  /** The raft leader's address, or '' while there is none. */
  async leader(token?: string): Promise<string> {
    const res = await call('consul', this.ep, 'GET', '/v1/status/leader', token ? { token } : {});
    return parseJson<string>('consul', '/v1/status/leader', res.body) ?? '';
  }

  async peers(token?: string): Promise<string[]> {
    const res = await call('consul', this.ep, 'GET', '/v1/status/peers', token ? { token } : {});
    return parseJson<string[]>('consul', '/v1/status/peers', res.body) ?? [];
  }

  /**
   * `PUT /v1/acl/bootstrap` with a caller-chosen secret. A second call answers 403 "ACL bootstrap
   * no longer allowed (reset index: N)": returned as already-done for the caller to judge.
   */
  async aclBootstrap(secret: string): Promise<AclBootstrapResult> {
    const res = await call('consul', this.ep, 'PUT', '/v1/acl/bootstrap', { body: { BootstrapSecret: secret }, accept: [403] });
    if (res.status === 403) {
      const m = /no longer allowed(?: \(reset index: (\d+)\))?/i.exec(res.body);
      if (!m) throw apiError('consul', 'PUT', `${this.ep.address}/v1/acl/bootstrap`, res);
      return { kind: 'already-done', resetIndex: m[1] === undefined ? null : Number(m[1]) };
    }
    const body = parseJson<{ AccessorID?: string; SecretID?: string }>('consul', '/v1/acl/bootstrap', res.body);
    if (body.SecretID !== undefined && body.SecretID !== secret) {
      throw new HashinodeError('HN_E_SERVICE_API', 'consul PUT /v1/acl/bootstrap returned a different secret than the BootstrapSecret sent', {});
    }
    return { kind: 'bootstrapped', accessorId: body.AccessorID ?? '' };
  }

  /** The token's own record, or null when Consul does not know the token (403/401 "ACL not found"). */
  async tokenSelf(token: string): Promise<{ AccessorID: string; Policies?: { Name: string }[] } | null> {
    const res = await call('consul', this.ep, 'GET', '/v1/acl/token/self', { token, accept: [401, 403, 404] });
    if (res.status !== 200) return null;
    return parseJson('consul', '/v1/acl/token/self', res.body);
  }

  /** Creates a policy; an existing policy of that name counts as done. */
  async ensurePolicy(token: string, policy: ConsulPolicySpec): Promise<'created' | 'exists'> {
    const res = await call('consul', this.ep, 'PUT', '/v1/acl/policy', { token, body: policy, accept: [400, 409, 500] });
    if (res.status === 200) return 'created';
    if (/already exists/i.test(res.body)) return 'exists';
    throw apiError('consul', 'PUT', `${this.ep.address}/v1/acl/policy`, res);
  }

  /** Creates a token with chosen AccessorID/SecretID; one that already exists counts as done. */
  async ensureToken(token: string, spec: ConsulTokenSpec): Promise<'created' | 'exists'> {
    const res = await call('consul', this.ep, 'PUT', '/v1/acl/token', { token, body: spec, accept: [400, 409, 500] });
    if (res.status === 200) return 'created';
    if (/already (in use|exists)/i.test(res.body)) return 'exists';
    throw apiError('consul', 'PUT', `${this.ep.address}/v1/acl/token`, res);
  }

  /** Sets the agent's own token through the API (persisted by `acl.enable_token_persistence`). */
  async setAgentToken(token: string, kind: 'agent' | 'default', value: string): Promise<void> {
    await call('consul', this.ep, 'PUT', `/v1/agent/token/${kind}`, { token, body: { Token: value } });
  }

  async agentSelf(token?: string): Promise<{ Config?: { NodeName?: string; Datacenter?: string; Server?: boolean } }> {
    const res = await call('consul', this.ep, 'GET', '/v1/agent/self', token ? { token } : {});
    return parseJson('consul', '/v1/agent/self', res.body);
  }

  async members(token?: string): Promise<ConsulMember[]> {
    const res = await call('consul', this.ep, 'GET', '/v1/agent/members', token ? { token } : {});
    return parseJson('consul', '/v1/agent/members', res.body);
  }

  async catalogNodes(token?: string): Promise<{ Node: string; Address: string }[]> {
    const res = await call('consul', this.ep, 'GET', '/v1/catalog/nodes', token ? { token } : {});
    return parseJson('consul', '/v1/catalog/nodes', res.body);
  }

  /** The HTTP status of a request, without judging it (verification probes). */
  async status(method: string, path: string, token?: string): Promise<number> {
    const res = await call('consul', this.ep, method, path, { ...(token ? { token } : {}), accept: [400, 401, 403, 404, 500] });
    return res.status;
  }
}
