import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

// Loads agent configuration the way the real agents do: a directory means every `.hcl` (and `.json`)
// file directly in it, in lexical order of the file name; later files override scalars, concatenate
// lists and merge blocks. hcl2-parser (HCL v2, as Consul and Vault parse) gives the JSON projection.

export type Obj = Record<string, unknown>;

export interface ConfigSource {
  file: string;
  data: Obj;
}

export class ConfigLoadError extends Error {
  readonly file: string;
  constructor(file: string, message: string) {
    super(message);
    this.name = 'ConfigLoadError';
    this.file = file;
  }
}

interface Hcl2Parser {
  parseToObject(input: string): [Obj | null, unknown];
}

let parser: Hcl2Parser | undefined;

/** hcl2-parser is 3.8 MB of GopherJS: loaded only when a config is actually read. */
function hcl2(): Hcl2Parser {
  if (!parser) {
    const require = createRequire(import.meta.url);
    parser = require('hcl2-parser') as Hcl2Parser;
  }
  return parser;
}

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Lists config files of a `-config-dir` (or returns the file itself), sorted by name like the agents. */
export function configFiles(target: string, exts: readonly string[] = ['.hcl', '.json']): string[] {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(target);
  } catch (err) {
    throw new ConfigLoadError(target, `config: Open failed on ${target}. ${(err as Error).message}`);
  }
  if (!st.isDirectory()) return [target];
  return readdirSync(target)
    .filter((n) => !n.startsWith('.') && exts.some((e) => n.endsWith(e)))
    .sort()
    .map((n) => path.join(target, n))
    .filter((f) => statSync(f).isFile());
}

/**
 * Parses one file. Blocks come out of hcl2-parser as arrays of objects; a block that may appear once
 * (`acl { }`) is folded into one object, blocks listed in `multi` (`service`, `listener`) stay lists.
 */
export function parseConfigFile(file: string, multi: ReadonlySet<string>): Obj {
  const text = readFileSync(file, 'utf8');
  let data: unknown;
  if (file.endsWith('.json')) {
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw new ConfigLoadError(file, `failed to parse ${file}: ${(err as Error).message}`);
    }
  } else {
    const [result, error] = hcl2().parseToObject(text);
    if (!result || (error && Object.keys(error as object).length)) {
      // hcl2-parser's errors carry no text; the agents print the HCL diagnostic, we name the file.
      throw new ConfigLoadError(file, `failed to parse ${file}: invalid HCL syntax`);
    }
    data = result;
  }
  if (!isObj(data)) throw new ConfigLoadError(file, `failed to parse ${file}: root must be an object`);
  return normalize(data, multi, '') as Obj;
}

function normalize(value: unknown, multi: ReadonlySet<string>, key: string): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => normalize(v, multi, key));
    if (items.length > 0 && items.every(isObj) && !multi.has(key)) return items.reduce((a, b) => mergeObj(a as Obj, b as Obj), {});
    return items;
  }
  if (isObj(value)) {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) out[k] = normalize(v, multi, key ? `${key}.${k}` : k);
    return out;
  }
  return value;
}

/** Later wins for scalars; lists concatenate; objects merge key by key (the agents' Merge). */
export function mergeObj(a: Obj, b: Obj): Obj {
  const out: Obj = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    if (Array.isArray(prev) && Array.isArray(v)) out[k] = [...prev, ...v];
    else if (isObj(prev) && isObj(v)) out[k] = mergeObj(prev, v);
    else out[k] = v;
  }
  return out;
}

/** Reads and parses every file of every target, in order. */
export function loadSources(targets: readonly string[], multi: ReadonlySet<string>, exts?: readonly string[]): ConfigSource[] {
  const sources: ConfigSource[] = [];
  for (const t of targets) for (const f of configFiles(t, exts)) sources.push({ file: f, data: parseConfigFile(f, multi) });
  return sources;
}

export function mergeSources(sources: readonly ConfigSource[]): Obj {
  return sources.reduce<Obj>((acc, s) => mergeObj(acc, s.data), {});
}

/** Reads a dotted path from a merged config. */
export function get(obj: Obj, dotted: string): unknown {
  let cur: unknown = obj;
  for (const part of dotted.split('.')) {
    if (!isObj(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}
