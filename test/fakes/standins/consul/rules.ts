import { isObj } from '../config/hcl-load.ts';
import { parseRulesHcl } from '../config/rules-hcl.ts';

// Consul ACL rules (HCL): `acl = "write"`, `node "web1" { policy = "write" }`,
// `node_prefix "" { policy = "read" }`... An exact rule beats a prefix rule, the longest prefix
// beats shorter ones, and when several policies of one token speak about the same segment the
// strongest wins with `deny` strongest of all. No matching rule: the default policy decides.

export type Access = 'read' | 'list' | 'write';
export type Level = 'deny' | Access;
export type Resource = 'acl' | 'operator' | 'keyring' | 'mesh' | 'peering' | 'agent' | 'node' | 'service' | 'key' | 'session' | 'event' | 'query';

const RANK: Record<Level, number> = { read: 1, list: 2, write: 3, deny: 4 };
const GLOBAL = new Set<Resource>(['acl', 'operator', 'keyring', 'mesh', 'peering']);

export interface RuleSet {
  global: Partial<Record<Resource, Level>>;
  exact: Partial<Record<Resource, Map<string, Level>>>;
  prefix: Partial<Record<Resource, Map<string, Level>>>;
}

export function emptyRules(): RuleSet {
  return { global: {}, exact: {}, prefix: {} };
}

function stronger(a: Level | undefined, b: Level): Level {
  return a && RANK[a] >= RANK[b] ? a : b;
}

function levelOf(v: unknown, where: string): Level {
  if (v === 'read' || v === 'write' || v === 'deny' || v === 'list') return v;
  throw new Error(`Invalid rule: ${where}: policy ${JSON.stringify(v)} is not one of read, write, list, deny`);
}

const cache = new Map<string, RuleSet>();

/** Parses rule text into a RuleSet; throws "Failed to parse ACL rules" like the server does. */
export function parseRules(text: string): RuleSet {
  const cached = cache.get(text);
  if (cached) return cached;
  const rules = emptyRules();
  if (text.trim()) {
    let data: Record<string, unknown>;
    try {
      data = parseRulesHcl(text);
    } catch (err) {
      throw new Error(`Failed to parse ACL rules: ${(err as Error).message}`);
    }
    addRules(rules, data);
  }
  cache.set(text, rules);
  return rules;
}

function addRules(rules: RuleSet, data: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(data)) {
    const isPrefix = key.endsWith('_prefix');
    const resource = (isPrefix ? key.slice(0, -'_prefix'.length) : key) as Resource;
    if (GLOBAL.has(resource) && !isPrefix) {
      rules.global[resource] = stronger(rules.global[resource], levelOf(value, key));
      continue;
    }
    if (!isObj(value)) throw new Error(`Failed to parse ACL rules: unexpected ${key}`);
    const table = isPrefix ? rules.prefix : rules.exact;
    const map = table[resource] ?? new Map<string, Level>();
    table[resource] = map;
    for (const [name, blocks] of Object.entries(value)) {
      for (const b of Array.isArray(blocks) ? blocks : [blocks]) {
        if (!isObj(b)) continue;
        map.set(name, stronger(map.get(name), levelOf(b['policy'], `${key} "${name}"`)));
      }
    }
  }
}

export function mergeRules(sets: readonly RuleSet[]): RuleSet {
  const out = emptyRules();
  for (const s of sets) {
    for (const [r, l] of Object.entries(s.global) as [Resource, Level][]) out.global[r] = stronger(out.global[r], l);
    for (const kind of ['exact', 'prefix'] as const) {
      for (const [r, m] of Object.entries(s[kind]) as [Resource, Map<string, Level>][]) {
        const target = out[kind][r] ?? new Map<string, Level>();
        out[kind][r] = target;
        for (const [n, l] of m) target.set(n, stronger(target.get(n), l));
      }
    }
  }
  return out;
}

/** True/false when a rule decides, null when the default policy must. */
export function ruleAllows(rules: RuleSet, resource: Resource, name: string, access: Access): boolean | null {
  let level: Level | undefined;
  if (GLOBAL.has(resource)) level = rules.global[resource];
  else {
    level = rules.exact[resource]?.get(name);
    if (level === undefined) {
      let best = -1;
      for (const [p, l] of rules.prefix[resource] ?? []) {
        if (name.startsWith(p) && p.length > best) {
          best = p.length;
          level = l;
        }
      }
    }
  }
  if (level === undefined) return null;
  if (level === 'deny') return false;
  return RANK[level] >= RANK[access];
}

/** The rules a node identity grants (Consul's templated policy for `NodeIdentities`). */
export function nodeIdentityRules(nodeName: string): RuleSet {
  const rules = emptyRules();
  rules.exact.node = new Map([[nodeName, 'write']]);
  rules.prefix.service = new Map([['', 'read']]);
  return rules;
}

export function serviceIdentityRules(service: string): RuleSet {
  const rules = emptyRules();
  rules.exact.service = new Map([
    [service, 'write'],
    [`${service}-sidecar-proxy`, 'write'],
  ]);
  rules.prefix.service = new Map([['', 'read']]);
  rules.prefix.node = new Map([['', 'read']]);
  return rules;
}
