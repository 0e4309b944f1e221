import { createHash, randomUUID } from 'node:crypto';
import { isObj } from '../config/hcl-load.ts';
import { parseRulesHcl } from '../config/rules-hcl.ts';

// Nomad ACLs: management tokens can do everything; client tokens get the union of their policies'
// rules (`node { policy = "read" }`, `agent { ... }`, `operator { ... }`, `namespace "x" { ... }`),
// where deny wins. Requests without a token use the policy named "anonymous", if there is one.

export interface NomadToken {
  AccessorID: string;
  SecretID: string;
  Name: string;
  Type: 'client' | 'management';
  Policies: string[] | null;
  Roles: unknown[];
  Global: boolean;
  CreateTime: string;
  ExpirationTime: null;
  Hash: string;
  CreateIndex: number;
  ModifyIndex: number;
}

export interface NomadPolicy {
  Name: string;
  Description: string;
  Rules: string;
  CreateIndex: number;
  ModifyIndex: number;
}

export interface NomadAclData {
  bootstrapIndex: number;
  tokens: Record<string, NomadToken>;
  policies: Record<string, NomadPolicy>;
}

export function initialNomadAcl(): NomadAclData {
  return { bootstrapIndex: 0, tokens: {}, policies: {} };
}

export const ANONYMOUS_TOKEN: NomadToken = {
  AccessorID: 'anonymous',
  SecretID: 'anonymous',
  Name: 'Anonymous Token',
  Type: 'client',
  Policies: ['anonymous'],
  Roles: [],
  Global: false,
  CreateTime: '1970-01-01T00:00:00Z',
  ExpirationTime: null,
  Hash: '',
  CreateIndex: 0,
  ModifyIndex: 0,
};

export function newNomadToken(fields: Partial<NomadToken> & { Name: string; Type: NomadToken['Type'] }, index: number): NomadToken {
  const t: NomadToken = {
    AccessorID: randomUUID(),
    SecretID: fields.SecretID || randomUUID(),
    Name: fields.Name,
    Type: fields.Type,
    Policies: fields.Type === 'management' ? null : (fields.Policies ?? []),
    Roles: [],
    Global: fields.Global ?? false,
    CreateTime: new Date().toISOString(),
    ExpirationTime: null,
    Hash: '',
    CreateIndex: index,
    ModifyIndex: index,
  };
  t.Hash = createHash('sha256').update(JSON.stringify([t.Name, t.Type, t.Policies, t.Global])).digest('base64');
  return t;
}

type Level = 'deny' | 'read' | 'write';
const RANK: Record<Level, number> = { read: 1, write: 2, deny: 3 };
export type Capability = 'node' | 'agent' | 'operator';

/** Validates rule text the way the policy endpoint does (400 "Invalid policy: ..."). */
export function parseNomadRules(text: string): Partial<Record<Capability, Level>> {
  const out: Partial<Record<Capability, Level>> = {};
  if (!text.trim()) return out;
  let data: Record<string, unknown>;
  try {
    data = parseRulesHcl(text);
  } catch (err) {
    throw new Error(`Failed to parse ACL Policy: ${(err as Error).message}`);
  }
  for (const cap of ['node', 'agent', 'operator'] as const) {
    const blocks = data[cap];
    for (const b of Array.isArray(blocks) ? blocks : blocks ? [blocks] : []) {
      const level = isObj(b) ? b['policy'] : undefined;
      if (level !== 'read' && level !== 'write' && level !== 'deny') throw new Error(`Invalid ${cap} policy: ${JSON.stringify(level)}`);
      const prev = out[cap];
      out[cap] = prev && RANK[prev] >= RANK[level] ? prev : level;
    }
  }
  return out;
}

export function allows(data: NomadAclData, token: NomadToken, cap: Capability, access: 'read' | 'write'): boolean {
  if (token.Type === 'management') return true;
  let level: Level | undefined;
  for (const name of token.Policies ?? []) {
    const p = data.policies[name];
    if (!p) continue;
    const l = parseNomadRules(p.Rules)[cap];
    if (l && (!level || RANK[l] > RANK[level])) level = l;
  }
  if (!level || level === 'deny') return false;
  return RANK[level] >= RANK[access];
}
