import { HashinodeError } from '../core/errors.ts';
import type { EnvFile } from './env-file.ts';
import { FIELD_BY_NAME, FIELDS, type FieldDef, type InputField, META_KEY, META_KEY_ALLOWED, META_TAG_PREFIX, metaValue } from './spec-fields.ts';
import { nearest } from './suggest.ts';
import { type ClusterSpec, type InstanceFacts, ROLES, type Role, type Source, type SourceKey, type VaultStorage } from './types.ts';

// Pure: flags > env file > instance tags > defaults -> one validated ClusterSpec, with the source of
// every field. All problems are collected and reported together, each naming the key as it was
// written (--flag, HASHINODE_KEY at file:line, tag hashinode:key), the value and what is allowed.

export interface SpecInputs {
  /** Flag values by flag name without dashes (`consul-servers`), or by field name (`consulServers`). */
  flags: Record<string, string | undefined>;
  env: EnvFile | null;
  tags: Record<string, string>;
  instance: Pick<InstanceFacts, 'region'>;
  /** Env file path named in "not set" errors, when there is no env file object. */
  envPath?: string;
}

export interface MergedSpec {
  spec: ClusterSpec;
  sources: Partial<Record<SourceKey, Source>>;
  warnings: string[];
}

interface Raw {
  value: string;
  source: Source;
  /** How the user wrote the key: `--cluster`, `HASHINODE_CLUSTER (env:/x:3)`, `tag hashinode:cluster`. */
  label: string;
}

export const ENV_KEYS: readonly string[] = FIELDS.map((f) => f.env);
export const SPEC_TAG_KEYS: readonly string[] = FIELDS.map((f) => f.tag);

const FLAG_TO_FIELD = new Map<string, FieldDef>([...FIELDS.map((f) => [f.flag, f] as const), ...FIELDS.map((f) => [f.field, f] as const)]);

function show(value: string): string {
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 76)}..." (${value.length} characters)` : json;
}

/** AWS names its internal DNS zone ec2.internal in us-east-1 and <region>.compute.internal elsewhere. */
export function internalDomain(region: string): string {
  return region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`;
}

function layers(inputs: SpecInputs): Map<InputField, Raw>[] {
  const flags = new Map<InputField, Raw>();
  for (const [name, value] of Object.entries(inputs.flags)) {
    if (value === undefined) continue;
    const f = FLAG_TO_FIELD.get(name);
    if (!f) throw new HashinodeError('HN_E_USAGE', `unknown spec flag --${name}`);
    flags.set(f.field, { value, source: 'flag', label: `--${f.flag}` });
  }
  const env = new Map<InputField, Raw>();
  for (const f of FIELDS) {
    const e = inputs.env?.entries.get(f.env);
    if (e) {
      const source: Source = `env:${inputs.env!.path}:${e.line}`;
      env.set(f.field, { value: e.value, source, label: `${f.env} (${source})` });
    }
  }
  const tags = new Map<InputField, Raw>();
  for (const f of FIELDS) {
    const v = inputs.tags[f.tag];
    if (v !== undefined) tags.set(f.field, { value: v, source: `tag:${f.tag}`, label: `tag ${f.tag}` });
  }
  return [flags, env, tags];
}

export function mergeSpec(inputs: SpecInputs): MergedSpec {
  const errors: string[] = [];
  const warnings: string[] = [];
  const sources: Partial<Record<SourceKey, Source>> = {};
  const stack = layers(inputs);
  const envPath = inputs.env?.path ?? inputs.envPath ?? 'the env file';

  /** The highest-precedence value of a field, parsed; undefined when unset or invalid. */
  function pick<T>(field: InputField): { value: T; source: Source } | undefined {
    const def = FIELD_BY_NAME.get(field)!;
    for (const layer of stack) {
      const raw = layer.get(field);
      if (!raw) continue;
      const parsed = def.parse(raw.value);
      if (!parsed.ok) {
        errors.push(`${raw.label} = ${show(raw.value)} is not allowed: expected ${parsed.allowed}`);
        return undefined;
      }
      return { value: parsed.value as T, source: raw.source };
    }
    return undefined;
  }

  function field<T>(key: InputField & SourceKey, fallback: T, fallbackSource: Source = 'default'): T {
    const got = pick<T>(key);
    sources[key] = got?.source ?? fallbackSource;
    return got ? got.value : fallback;
  }

  const notSet = (what: string, def: FieldDef) =>
    `${what} is not set: give --${def.flag} ${def.value}, ${def.env}=${def.value} in ${envPath}, or the instance tag ${def.tag}`;

  const clusterPick = pick<string>('cluster');
  if (clusterPick) sources.cluster = clusterPick.source;
  else if (!stack.some((l) => l.has('cluster'))) errors.push(notSet('the cluster name', FIELD_BY_NAME.get('cluster')!));
  const cluster = clusterPick?.value ?? '';

  const rolesPick = pick<Role[]>('roles');
  if (rolesPick) sources.roles = rolesPick.source;
  else if (!stack.some((l) => l.has('roles'))) errors.push(notSet(`the node's roles (${ROLES.join(', ')})`, FIELD_BY_NAME.get('roles')!));
  const roles = rolesPick?.value ?? [];

  const datacenter = field('datacenter', 'dc1');
  const nomadRegion = field('nomadRegion', 'global');
  const nomadDatacenter = field('nomadDatacenter', datacenter, 'derived');
  const consulServers = field('consulServers', 3);
  const nomadServers = field('nomadServers', 3);
  const joinTagKey = field('joinTagKey', 'hashinode:cluster');
  const joinTagValue = field('joinTagValue', cluster, 'derived');
  const efs = field('efs', 'discover');
  const clientAddr = field('clientAddr', '127.0.0.1');
  const dnsSearch = field('dnsSearch', [internalDomain(inputs.instance.region), 'consul'], 'imds');
  const recursors = field('recursors', ['169.254.169.253']);
  const nodeClass = field<string | null>('nodeClass', null);
  const isVaultServer = roles.includes('vault-server');
  const vaultEnabled = field('vault', isVaultServer, isVaultServer ? 'derived' : 'default');
  const vaultStorage = field<VaultStorage>('vaultStorage', 'raft');
  const kmsKeyId = field<string | null>('vaultKmsKey', null);
  const nodeMeta = mergeNodeMeta(inputs.tags, pick<Record<string, string>>('nodeMeta'), sources, errors);

  for (const [name, n] of [
    ['consul', consulServers],
    ['nomad', nomadServers],
  ] as const) {
    const key = name === 'consul' ? 'consulServers' : 'nomadServers';
    if (n % 2 === 0) {
      warnings.push(`${name} server count ${n} (${sources[key]}) is even: it tolerates no more failures than ${n - 1}; use an odd number`);
    }
  }
  if (cluster && inputs.tags[joinTagKey] !== joinTagValue) {
    // Cloud auto-join finds servers by this tag: an instance without it is invisible to the others.
    const has = inputs.tags[joinTagKey] === undefined ? 'does not have it' : `has ${joinTagKey}=${show(inputs.tags[joinTagKey]!)}`;
    warnings.push(`cloud auto-join looks for the tag ${joinTagKey}=${joinTagValue}, but this instance ${has}: other nodes will not find it`);
  }
  if (isVaultServer && !vaultEnabled) errors.push(`roles include vault-server (${sources.roles}) but vault is false (${sources.vault})`);
  if (kmsKeyId && !vaultEnabled) warnings.push(`vault-kms-key is set (${sources.vaultKmsKey}) but Vault is not enabled: it is ignored`);

  for (const key of Object.keys(inputs.tags)) {
    if (!key.startsWith('hashinode:') || SPEC_TAG_KEYS.includes(key) || key.startsWith(META_TAG_PREFIX)) continue;
    const guess = nearest(key, SPEC_TAG_KEYS);
    warnings.push(`unknown instance tag ${key}${guess ? ` (did you mean ${guess}?)` : ''}; it is ignored`);
  }

  if (errors.length) {
    throw new HashinodeError('HN_E_SPEC_INVALID', `the cluster spec is invalid:\n  ${errors.join('\n  ')}`, { details: { errors } });
  }
  return {
    spec: {
      cluster,
      roles,
      datacenter,
      nomadRegion,
      nomadDatacenter,
      consulServers,
      nomadServers,
      joinTagKey,
      joinTagValue,
      efs,
      clientAddr,
      dnsSearch,
      recursors,
      nodeClass,
      nodeMeta,
      vault: { enabled: vaultEnabled, storage: vaultStorage, kmsKeyId: vaultEnabled ? kmsKeyId : null },
    },
    // Same order as the spec fields, so output is stable.
    sources: Object.fromEntries(FIELDS.filter((f) => sources[f.field] !== undefined).map((f) => [f.field, sources[f.field]])),
    warnings,
  };
}

/** Meta from `hashinode:meta:<key>` tags, overridden key by key by the node-meta list from a higher layer. */
function mergeNodeMeta(
  tags: Record<string, string>,
  list: { value: Record<string, string>; source: Source } | undefined,
  sources: Partial<Record<SourceKey, Source>>,
  errors: string[],
): Record<string, string> {
  const meta: Record<string, string> = {};
  let source: Source | undefined;
  for (const [tag, value] of Object.entries(tags)) {
    if (!tag.startsWith(META_TAG_PREFIX)) continue;
    const key = tag.slice(META_TAG_PREFIX.length);
    if (!META_KEY.test(key)) {
      errors.push(`tag ${tag}: ${show(key)} is not allowed as a meta key: ${META_KEY_ALLOWED}`);
      continue;
    }
    const v = metaValue(value);
    if (!v.ok) errors.push(`tag ${tag} = ${show(value)} is not allowed: expected ${v.allowed}`);
    else {
      meta[key] = v.value;
      source ??= `tag:${tag}`;
    }
  }
  if (list) {
    Object.assign(meta, list.value);
    source = list.source;
  }
  sources.nodeMeta = source ?? 'default';
  return Object.fromEntries(Object.entries(meta).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
