import { isObj, type Obj } from './hcl-load.ts';

// The key sets the real agents accept. `true` is a leaf (scalar, list or free map), 'open' a block
// whose content the stand-ins do not check (telemetry, service definitions...), a nested schema a
// block whose keys are checked; `{ [LABEL]: schema }` a labelled block (`listener "tcp" { }`).

export const LABEL = '*label*';
export type Schema = { [key: string]: Schema | true | 'open' };

/** Builds a schema of leaves from a space-separated key list (keeps the key tables readable). */
export function leaves(keys: string, nested: Schema = {}): Schema {
  const out: Schema = {};
  for (const k of keys.split(/\s+/).filter(Boolean)) out[k] = true;
  return { ...out, ...nested };
}

/** Every key path in `data` that `schema` does not know, as `a.b.c` (the agents' spelling). */
export function unknownKeys(data: unknown, schema: Schema, prefix = ''): string[] {
  const found: string[] = [];
  const items = Array.isArray(data) ? data : [data];
  for (const item of items) {
    if (!isObj(item)) continue;
    for (const [k, v] of Object.entries(item as Obj)) {
      const labelled = schema[LABEL];
      const rule = schema[k] ?? labelled;
      const at = prefix ? `${prefix}.${k}` : k;
      if (rule === undefined) {
        found.push(at);
        continue;
      }
      if (rule === true || rule === 'open') continue;
      if (Array.isArray(v) && !v.every(isObj)) {
        found.push(at);
        continue;
      }
      found.push(...unknownKeys(v, rule, schema[k] ? at : prefix ? `${prefix}.${k}` : k));
    }
  }
  return found;
}
