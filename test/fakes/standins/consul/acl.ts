import { createHash, randomUUID } from 'node:crypto';
import { type Access, mergeRules, nodeIdentityRules, parseRules, type Resource, ruleAllows, type RuleSet, serviceIdentityRules } from './rules.ts';

// The replicated ACL state of one Consul datacenter: tokens and policies as the API returns them,
// plus whether the one-time bootstrap happened and at which raft index (the "reset index").

export const GLOBAL_MANAGEMENT_ID = '00000000-0000-0000-0000-000000000001';
export const GLOBAL_READ_ONLY_ID = '00000000-0000-0000-0000-000000000002';
export const ANONYMOUS_ACCESSOR = '00000000-0000-0000-0000-000000000002';

export interface PolicyLink {
  ID: string;
  Name: string;
}

export interface ConsulToken {
  AccessorID: string;
  SecretID: string;
  Description: string;
  Policies?: PolicyLink[];
  NodeIdentities?: { NodeName: string; Datacenter: string }[];
  ServiceIdentities?: { ServiceName: string; Datacenters?: string[] }[];
  Local: boolean;
  CreateTime: string;
  Hash: string;
  CreateIndex: number;
  ModifyIndex: number;
}

export interface ConsulPolicy {
  ID: string;
  Name: string;
  Description: string;
  Rules: string;
  Datacenters?: string[];
  Hash: string;
  CreateIndex: number;
  ModifyIndex: number;
}

export interface ConsulAclData {
  /** Raft index of the bootstrap, or 0 when bootstrap is still allowed. */
  bootstrapIndex: number;
  tokens: Record<string, ConsulToken>;
  policies: Record<string, ConsulPolicy>;
}

const hash = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('base64');

export function initialAclData(): ConsulAclData {
  const policies: Record<string, ConsulPolicy> = {
    [GLOBAL_MANAGEMENT_ID]: {
      ID: GLOBAL_MANAGEMENT_ID,
      Name: 'global-management',
      Description: 'Builtin Policy that grants unlimited access',
      Rules: '',
      Hash: hash('global-management'),
      CreateIndex: 1,
      ModifyIndex: 1,
    },
    [GLOBAL_READ_ONLY_ID]: {
      ID: GLOBAL_READ_ONLY_ID,
      Name: 'builtin/global-read-only',
      Description: 'Builtin Policy that grants unlimited read-only access to all components',
      Rules: 'acl = "read"\noperator = "read"\nkeyring = "read"\nagent_prefix "" { policy = "read" }\nnode_prefix "" { policy = "read" }\nservice_prefix "" { policy = "read" }\nkey_prefix "" { policy = "read" }\nsession_prefix "" { policy = "read" }\nevent_prefix "" { policy = "read" }\nquery_prefix "" { policy = "read" }\n',
      Hash: hash('global-read-only'),
      CreateIndex: 1,
      ModifyIndex: 1,
    },
  };
  const anonymous: ConsulToken = {
    AccessorID: ANONYMOUS_ACCESSOR,
    SecretID: 'anonymous',
    Description: 'Anonymous Token',
    Policies: [],
    Local: false,
    CreateTime: new Date().toISOString(),
    Hash: hash('anonymous'),
    CreateIndex: 1,
    ModifyIndex: 1,
  };
  return { bootstrapIndex: 0, tokens: { [ANONYMOUS_ACCESSOR]: anonymous }, policies };
}

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function isUuid(s: string): boolean {
  return UUID_RE.test(s);
}

export function newToken(fields: Partial<ConsulToken> & { Description: string }, index: number): ConsulToken {
  const token: ConsulToken = {
    AccessorID: fields.AccessorID || randomUUID(),
    SecretID: fields.SecretID || randomUUID(),
    Description: fields.Description,
    Policies: fields.Policies ?? [],
    ...(fields.NodeIdentities?.length ? { NodeIdentities: fields.NodeIdentities } : {}),
    ...(fields.ServiceIdentities?.length ? { ServiceIdentities: fields.ServiceIdentities } : {}),
    Local: fields.Local ?? false,
    CreateTime: new Date().toISOString(),
    Hash: '',
    CreateIndex: index,
    ModifyIndex: index,
  };
  token.Hash = hash([token.Policies, token.NodeIdentities, token.ServiceIdentities, token.Local]);
  return token;
}

export function findBySecret(data: ConsulAclData, secret: string): ConsulToken | undefined {
  return Object.values(data.tokens).find((t) => t.SecretID === secret);
}

export function findPolicy(data: ConsulAclData, ref: { ID?: string; Name?: string }): ConsulPolicy | undefined {
  if (ref.ID) return data.policies[ref.ID];
  return Object.values(data.policies).find((p) => p.Name === ref.Name);
}

export interface Authorizer {
  accessorId: string;
  management: boolean;
  allows(resource: Resource, name: string, access: Access): boolean;
}

/** Builds what a token may do; the default policy decides where no rule speaks. */
export function authorizer(data: ConsulAclData, token: ConsulToken, defaultPolicy: 'allow' | 'deny', dc: string): Authorizer {
  const links = token.Policies ?? [];
  const management = links.some((l) => l.ID === GLOBAL_MANAGEMENT_ID);
  const sets: RuleSet[] = [];
  for (const l of links) {
    const p = data.policies[l.ID];
    if (!p || p.ID === GLOBAL_MANAGEMENT_ID) continue;
    if (p.Datacenters?.length && !p.Datacenters.includes(dc)) continue;
    sets.push(parseRules(p.Rules));
  }
  for (const n of token.NodeIdentities ?? []) if (n.Datacenter === dc) sets.push(nodeIdentityRules(n.NodeName));
  for (const s of token.ServiceIdentities ?? []) sets.push(serviceIdentityRules(s.ServiceName));
  const rules = mergeRules(sets);
  return {
    accessorId: token.AccessorID,
    management,
    allows(resource, name, access) {
      if (management) return true;
      return ruleAllows(rules, resource, name, access) ?? defaultPolicy === 'allow';
    },
  };
}

export function permissionDenied(accessorId: string, resource: Resource, access: Access, name?: string): string {
  const what = `'${resource}:${access}'`;
  return `Permission denied: token with AccessorID '${accessorId}' lacks permission ${what}${name !== undefined ? ` on "${name}"` : ''}`;
}
