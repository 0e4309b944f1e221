// Escaping for the contexts templates print into. Every value reaching a config file passes one of
// these: HCL string literals are built here (never by concatenation in a template), and line-based
// files (dnsmasq, resolv.conf) accept only values of a strict shape.
//
// Consul, Nomad and Vault read their files with HCL 1, while our checks (and hcl2-parser) read HCL 2.
// The literal must mean the same string in both, so `${` and `%{` are written as `\u0024{` and
// `\u0025{`: HCL 2 would treat a bare `${` as interpolation and `$${` is only an escape in HCL 2
// (HCL 1 would keep both dollars), whereas a `\u` escape decodes to a plain character in both and
// never starts a template sequence.

/** Thrown by the checks below; the engine turns it into an error naming the value's source. */
export class UnsafeValueError extends Error {}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function hex4(code: number): string {
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * A quoted HCL string literal whose value is exactly `value` in HCL 1 and HCL 2. HCL 2 normalises
 * string literals to Unicode NFC and HCL 1 does not, so the value is written in NFC: both then read
 * the same characters.
 */
export function hclString(raw: string): string {
  if (LONE_SURROGATE.test(raw)) throw new UnsafeValueError('contains a lone UTF-16 surrogate (not valid UTF-8)');
  const value = raw.normalize('NFC');
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    const code = ch.charCodeAt(0);
    const next = value[i + 1];
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if ((ch === '$' || ch === '%') && next === '{') out += hex4(code);
    else if (code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029) out += hex4(code);
    else out += ch;
  }
  return `${out}"`;
}

/** An HCL number or boolean, or a string literal: the only scalars a template may print. */
export function hclScalar(value: unknown): string {
  if (typeof value === 'string') return hclString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new UnsafeValueError(`is not a finite number (${value})`);
    return String(value);
  }
  throw new UnsafeValueError(`is ${describeType(value)}, not a string, number or boolean`);
}

/** `["a", "b"]` from an array of scalars. */
export function hclList(value: unknown): string {
  if (!Array.isArray(value)) throw new UnsafeValueError(`is ${describeType(value)}, not a list`);
  return `[${value.map((v) => hclScalar(v)).join(', ')}]`;
}

/** `{ "k" = "v" }` from a string map; keys are quoted so any key is safe. Sorted for stable output. */
export function hclMap(value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UnsafeValueError(`is ${describeType(value)}, not a map`);
  }
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return '{}';
  return `{ ${entries.map(([k, v]) => `${hclString(k)} = ${hclScalar(v)}`).join(', ')} }`;
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a map' : `a ${typeof value}`;
}

// ---- line-based files (dnsmasq.d, resolv.conf): no quoting exists there, so only safe shapes pass.

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpv4(value: string): boolean {
  return IPV4.test(value);
}

export function isIpv6(value: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(value) || value.length > 45) return false;
  const parts = value.split('::');
  if (parts.length > 2) return false;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(parts[0]!);
  const tail = parts.length === 2 ? groups(parts[1]!) : [];
  const all = [...head, ...tail];
  let count = all.length;
  const last = all[all.length - 1];
  if (last?.includes('.')) {
    if (!isIpv4(last)) return false;
    count += 1; // an embedded IPv4 takes two groups
    all.pop();
  }
  if (!all.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  return parts.length === 2 ? count <= 7 : count === 8;
}

/** An IPv4 or IPv6 address literal. */
export function ipAddress(value: unknown): string {
  if (typeof value !== 'string' || !(isIpv4(value) || isIpv6(value))) {
    throw new UnsafeValueError(`${JSON.stringify(value)} is not an IP address`);
  }
  return value;
}

const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/** A DNS name (letters, digits, hyphens, dots; labels of 1-63; at most 253 characters). */
export function dnsName(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 253) {
    throw new UnsafeValueError(`${JSON.stringify(value)} is not a DNS name`);
  }
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  if (!name.split('.').every((l) => LABEL.test(l))) throw new UnsafeValueError(`${JSON.stringify(value)} is not a DNS name`);
  return value;
}

/** Space-separated DNS names (resolv.conf `search`). */
export function dnsNames(value: unknown): string {
  if (!Array.isArray(value)) throw new UnsafeValueError(`is ${describeType(value)}, not a list of DNS names`);
  return value.map((v) => dnsName(v)).join(' ');
}

/** A TCP/UDP port number. */
export function port(value: unknown): string {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    throw new UnsafeValueError(`${JSON.stringify(value)} is not a port number`);
  }
  return String(value);
}

/** The default for line-based files: one word of a conservative alphabet, nothing that ends a line or a field. */
export function confWord(value: unknown): string {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string' || !/^[A-Za-z0-9._:@/+-]+$/.test(text)) {
    throw new UnsafeValueError(`${JSON.stringify(value)} is not a plain word (letters, digits, . _ : @ / + -)`);
  }
  return text;
}
