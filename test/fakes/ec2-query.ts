// EC2 Query protocol requests as data: form parameters -> filters, ids and paging, and the
// matching rules EC2 applies (filter values are OR-ed, filters AND-ed, `*` and `?` wildcards).

export type InstanceStateName = 'pending' | 'running' | 'stopping' | 'stopped' | 'shutting-down' | 'terminated';

export interface FakeInstance {
  instanceId: string;
  state: InstanceStateName;
  privateIp: string;
  az?: string;
  subnetId?: string;
  vpcId?: string;
  instanceType?: string;
  imageId?: string;
  tags: Record<string, string>;
}

export const STATE_CODES: Record<InstanceStateName, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

export interface Filter {
  name: string;
  values: string[];
}

export class QueryError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status = 400) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

/** `Filter.N.Name` / `Filter.N.Value.M` -> filters, in N order. */
export function parseFilters(params: URLSearchParams): Filter[] {
  const byIndex = new Map<number, Filter>();
  for (const [k, v] of params) {
    const m = /^Filter\.(\d+)\.(Name|Value\.(\d+))$/.exec(k);
    if (!m) continue;
    const n = Number(m[1]);
    const f = byIndex.get(n) ?? { name: '', values: [] };
    if (m[2] === 'Name') f.name = v;
    else f.values[Number(m[3]) - 1] = v;
    byIndex.set(n, f);
  }
  return [...byIndex.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, f]) => ({ name: f.name, values: f.values.filter((x) => x !== undefined) }));
}

/** `Prefix.N` parameters as a list, in N order. */
export function parseList(params: URLSearchParams, prefix: string): string[] {
  const items: [number, string][] = [];
  for (const [k, v] of params) {
    const m = new RegExp(`^${prefix}\\.(\\d+)$`).exec(k);
    if (m) items.push([Number(m[1]), v]);
  }
  return items.sort(([a], [b]) => a - b).map(([, v]) => v);
}

function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function matchesAny(value: string | undefined, patterns: string[]): boolean {
  if (value === undefined) return false;
  return patterns.some((p) => globToRegExp(p).test(value));
}

/** MaxResults if given: an integer within [min, max], else InvalidParameterValue. */
export function maxResults(params: URLSearchParams, min: number, max: number): number | undefined {
  const raw = params.get('MaxResults');
  if (raw === null) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new QueryError('InvalidParameterValue', `Value ( ${raw} ) for parameter maxResults is invalid. Expecting a value between ${min} and ${max}.`);
  }
  return n;
}

/** Paging tokens are opaque to the client; this one carries the offset and what it pages. */
export function encodeNextToken(scope: string, offset: number): string {
  return Buffer.from(JSON.stringify({ s: scope, o: offset })).toString('base64url');
}

export function decodeNextToken(token: string | null, scope: string): number {
  if (token === null || token === '') return 0;
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { s: string; o: number };
    if (t.s === scope && Number.isInteger(t.o) && t.o >= 0) return t.o;
  } catch {
    // fall through
  }
  throw new QueryError('InvalidPaginationToken', 'The specified pagination token is not valid or is expired.');
}

/** One page of `items` from `offset`, sized by MaxResults and the fake's own page cap. */
export function page<T>(items: T[], offset: number, size: number | undefined, cap: number): { items: T[]; next: number | null } {
  const n = Math.min(size ?? Number.POSITIVE_INFINITY, cap);
  const slice = items.slice(offset, offset + n);
  const end = offset + slice.length;
  return { items: slice, next: end < items.length ? end : null };
}
