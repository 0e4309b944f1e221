import { isIP } from 'node:net';
import { ROLES, type Role, type SpecField, type VaultStorage } from './types.ts';

// Every input of the cluster spec: its flag, env key and tag, and how a raw string becomes a value.
// Values that end up inside HCL, resolv.conf, dnsmasq options or retry_join strings are held to
// strict patterns and rejected otherwise (a tag can be edited by anyone with ec2:CreateTags, so
// nothing a tag says is trusted to be well-formed). Node meta values are the exception: they are
// free-form data for job constraints, kept verbatim, and escaped by the renderer.

/** Spec inputs: the spec fields, with `vault` split into its three settings. */
export type InputField = Exclude<SpecField, 'vault'> | 'vault' | 'vaultStorage' | 'vaultKmsKey';

export type Parsed<T> = { ok: true; value: T } | { ok: false; allowed: string };

export interface FieldDef<T = unknown> {
  field: InputField;
  /** Flag name without dashes, env key, tag key. */
  flag: string;
  env: string;
  tag: string;
  description: string;
  /** Placeholder for help. */
  value: string;
  parse(raw: string): Parsed<T>;
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const no = (allowed: string): Parsed<never> => ({ ok: false, allowed });

/** cluster, datacenter, region: what Consul accepts for a datacenter, also safe in paths and tags. */
const NAME = /^[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?$/;
const NAME_ALLOWED = '1-63 characters: lowercase letters, digits, "-" and "_", starting and ending with a letter or digit';

function name(raw: string): Parsed<string> {
  return NAME.test(raw) ? ok(raw) : no(NAME_ALLOWED);
}

function list(raw: string): string[] {
  return raw
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function roles(raw: string): Parsed<Role[]> {
  const items = list(raw);
  const allowed = `a comma-separated list of ${ROLES.join(', ')}`;
  if (items.length === 0) return no(allowed);
  const unknown = items.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length) return no(`${allowed} (unknown: ${unknown.map((u) => JSON.stringify(u)).join(', ')})`);
  return ok(normaliseRoles(items as Role[]));
}

/** Canonical order, no duplicates; every node that is not a Consul server runs a Consul client. */
export function normaliseRoles(input: readonly Role[]): Role[] {
  const set = new Set(input);
  if (set.has('consul-server')) set.delete('consul-client');
  else set.add('consul-client');
  return ROLES.filter((r) => set.has(r));
}

function count(raw: string): Parsed<number> {
  return /^[1-9]$/.test(raw.trim()) ? ok(Number(raw.trim())) : no('an integer from 1 to 9 (an odd number: 1, 3, 5, 7)');
}

// retry_join is `provider=aws tag_key=K tag_value=V`: spaces split it, quotes end the HCL string.
const TAG_TOKEN = /^[A-Za-z0-9_.:+=@-]+$/;
function tagKey(raw: string): Parsed<string> {
  if (raw.toLowerCase().startsWith('aws:')) return no('a tag key that does not start with "aws:"');
  return TAG_TOKEN.test(raw) && raw.length <= 128 ? ok(raw) : no('1-128 characters: letters, digits and _ . : + = @ -');
}
function tagValue(raw: string): Parsed<string> {
  return TAG_TOKEN.test(raw) && raw.length <= 256 ? ok(raw) : no('1-256 characters: letters, digits and _ . : + = @ -');
}

function efs(raw: string): Parsed<string> {
  return raw === 'discover' || /^fs-[0-9a-f]{8,17}$/.test(raw) ? ok(raw) : no('an EFS file-system id (fs- and 8 to 17 hex digits) or "discover"');
}

function ip(raw: string): Parsed<string> {
  return isIP(raw.trim()) ? ok(raw.trim()) : no('an IPv4 or IPv6 address');
}

const DOMAIN = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
function domains(raw: string): Parsed<string[]> {
  const items = list(raw);
  const allowed = 'a list of 1 to 6 domain names (letters, digits, "-", dot-separated), separated by commas or spaces';
  return items.length >= 1 && items.length <= 6 && items.every((d) => DOMAIN.test(d)) ? ok(items) : no(allowed);
}

function ips(raw: string): Parsed<string[]> {
  const items = list(raw);
  return items.length >= 1 && items.every((a) => isIP(a)) ? ok(items) : no('a list of IPv4/IPv6 addresses, separated by commas or spaces');
}

function nodeClass(raw: string): Parsed<string | null> {
  return /^[A-Za-z0-9_.-]{1,128}$/.test(raw) ? ok(raw) : no('1-128 characters: letters, digits and _ . -');
}

export const META_KEY = /^[A-Za-z0-9_.-]{1,128}$/;
export const META_VALUE_MAX = 256;
export const META_KEY_ALLOWED = 'meta keys are 1-128 characters: letters, digits and _ . -';

/** `k=v,k=v`; values are data and kept verbatim (but a comma list cannot carry commas). */
function nodeMeta(raw: string): Parsed<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const pair of raw.split(',')) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    const key = eq === -1 ? pair.trim() : pair.slice(0, eq).trim();
    if (eq === -1 || !META_KEY.test(key)) return no(`a comma-separated list of key=value; ${META_KEY_ALLOWED}`);
    const value = pair.slice(eq + 1);
    if (value.length > META_VALUE_MAX) return no(`meta values of at most ${META_VALUE_MAX} characters`);
    out[key] = value;
  }
  return ok(out);
}

export function metaValue(raw: string): Parsed<string> {
  return raw.length <= META_VALUE_MAX ? ok(raw) : no(`at most ${META_VALUE_MAX} characters`);
}

function bool(raw: string): Parsed<boolean> {
  const v = raw.trim().toLowerCase();
  if (['true', 'yes', '1', 'on'].includes(v)) return ok(true);
  if (['false', 'no', '0', 'off'].includes(v)) return ok(false);
  return no('true or false');
}

function storage(raw: string): Parsed<VaultStorage> {
  return raw === 'raft' || raw === 'consul' ? ok(raw) : no('"raft" or "consul"');
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const KEY_ID = `(${UUID}|mrk-[0-9a-f]{32})`;
const KMS_KEY = new RegExp(
  `^(${KEY_ID}|alias/[A-Za-z0-9/_-]{1,250}|arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:(key/${KEY_ID}|alias/[A-Za-z0-9/_-]{1,250}))$`,
);
function kmsKey(raw: string): Parsed<string | null> {
  return KMS_KEY.test(raw) ? ok(raw) : no('a KMS key id (UUID or mrk-...), key ARN, alias/NAME, or alias ARN');
}

function def<T>(field: InputField, value: string, description: string, parse: (raw: string) => Parsed<T>): FieldDef<T> {
  const kebab = field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return { field, flag: kebab, env: `HASHINODE_${kebab.replace(/-/g, '_').toUpperCase()}`, tag: `hashinode:${kebab}`, value, description, parse };
}

export const FIELDS: readonly FieldDef[] = [
  def('cluster', 'NAME', 'cluster name (required)', name),
  def('roles', 'LIST', `roles: ${ROLES.join(',')}`, roles),
  def('datacenter', 'NAME', 'Consul datacenter (default dc1)', name),
  def('nomadRegion', 'NAME', 'Nomad region (default global)', name),
  def('nomadDatacenter', 'NAME', 'Nomad datacenter (default: the Consul datacenter)', name),
  def('consulServers', 'N', 'expected Consul servers, bootstrap_expect (default 3)', count),
  def('nomadServers', 'N', 'expected Nomad servers, bootstrap_expect (default 3)', count),
  def('joinTagKey', 'KEY', 'tag key cloud auto-join looks for (default hashinode:cluster)', tagKey),
  def('joinTagValue', 'VALUE', 'tag value cloud auto-join looks for (default: the cluster name)', tagValue),
  def('efs', 'ID', 'EFS file-system id, or "discover" (default)', efs),
  def('clientAddr', 'IP', 'address the local HTTP APIs listen on (default 127.0.0.1)', ip),
  def('dnsSearch', 'LIST', 'resolv.conf search domains (default <region internal domain> consul)', domains),
  def('recursors', 'LIST', 'upstream DNS servers (default 169.254.169.253)', ips),
  def('nodeClass', 'CLASS', 'Nomad client node_class', nodeClass),
  def('nodeMeta', 'K=V,...', 'Nomad client meta (also tags hashinode:meta:KEY)', nodeMeta),
  def('vault', 'BOOL', 'whether the cluster runs Vault (default: true on vault-server nodes)', bool),
  def('vaultStorage', 'raft|consul', 'Vault storage backend (default raft)', storage),
  def('vaultKmsKey', 'KEY', 'KMS key for Vault auto-unseal (default: none, unseal by hand)', kmsKey),
];

export const FIELD_BY_NAME: ReadonlyMap<InputField, FieldDef> = new Map(FIELDS.map((f) => [f.field, f]));

/** Tags of node meta: `hashinode:meta:<key>`. */
export const META_TAG_PREFIX = 'hashinode:meta:';
