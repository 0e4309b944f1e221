import { isObj, type Obj } from './hcl-load.ts';

// Typed reads of merged config values, with the agents' error wording for wrong types.

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function str(obj: Obj, key: string): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new ConfigError(`${key}: expected a string, got ${JSON.stringify(v)}`);
}

export function bool(obj: Obj, key: string): boolean | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw new ConfigError(`${key}: cannot parse '${String(v)}' as bool`);
}

export function int(obj: Obj, key: string): number | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isInteger(n)) throw new ConfigError(`${key}: cannot parse '${String(v)}' as int`);
  return n;
}

export function list(obj: Obj, key: string): string[] {
  const v = obj[key];
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map(String);
  return [String(v)];
}

export function block(obj: Obj, key: string): Obj {
  const v = obj[key];
  return isObj(v) ? v : {};
}

/** Go's time.ParseDuration for the units configs use. */
export function durationMs(text: string, key: string): number {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let consumed = 0;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * unit[m[2]!]!;
    consumed = re.lastIndex;
  }
  if (text === '0') return 0;
  if (consumed !== text.length || consumed === 0) throw new ConfigError(`${key}: invalid duration: "${text}": time: invalid duration "${text}"`);
  return total;
}

/**
 * go-sockaddr templates (`{{ GetPrivateIP }}`) name the host's interfaces; in the simulation every
 * node's private address is its loopback address, given in HASHINODE_SIM_PRIVATE_IP.
 */
export function expandAddr(value: string, env: NodeJS.ProcessEnv): string {
  if (!value.includes('{{')) return value;
  return value.replace(/\{\{[^}]*\}\}/g, () => env['HASHINODE_SIM_PRIVATE_IP'] ?? '127.0.0.1').trim();
}

/** `-flag=value` / `-flag value` / `--flag=value` parsing like Go's flag package; repeatable flags collect. */
export function parseFlags(args: readonly string[], boolFlags: ReadonlySet<string>): { flags: Map<string, string[]>; rest: string[] } {
  const flags = new Map<string, string[]>();
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-') || a === '-') {
      rest.push(a);
      continue;
    }
    const body = a.replace(/^--?/, '');
    const eq = body.indexOf('=');
    let name: string;
    let value: string;
    if (eq >= 0) {
      name = body.slice(0, eq);
      value = body.slice(eq + 1);
    } else if (boolFlags.has(body)) {
      name = body;
      value = 'true';
    } else {
      name = body;
      value = args[++i] ?? '';
    }
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  return { flags, rest };
}
