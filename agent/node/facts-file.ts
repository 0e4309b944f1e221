import { readFile } from 'node:fs/promises';
import { HashinodeError } from '../core/errors.ts';
import { FIELDS, type InputField, META_KEY, metaValue } from './spec-fields.ts';
import type { ClusterSpec, NodeFacts } from './types.ts';

// `--facts FILE`: the JSON `hashinode facts --json` printed, used instead of IMDS (offline render,
// golden tests). The file is input like any other, so the spec in it is validated by the same rules.

const INSTANCE_KEYS = ['instanceId', 'region', 'availabilityZone', 'privateIp', 'mac', 'subnetId', 'vpcId', 'instanceType', 'amiId'] as const;

function specValueAsInput(spec: ClusterSpec, field: InputField): string | undefined {
  switch (field) {
    case 'vault':
      return String(spec.vault?.enabled);
    case 'vaultStorage':
      return spec.vault?.storage;
    case 'vaultKmsKey':
      return spec.vault?.kmsKeyId ?? undefined;
    case 'nodeMeta':
      return undefined; // checked key by key below: values are free-form
    default: {
      const v = spec[field] as unknown;
      if (v === null || v === undefined) return undefined;
      return Array.isArray(v) ? v.join(',') : String(v);
    }
  }
}

export function validateFactsJson(data: unknown, file: string): NodeFacts {
  const problems: string[] = [];
  const d = data as Partial<NodeFacts> | null;
  if (typeof d !== 'object' || d === null) throw new HashinodeError('HN_E_SPEC_INVALID', `${file}: not a JSON object`);
  for (const k of ['instance', 'tags', 'spec', 'sources'] as const) {
    if (typeof d[k] !== 'object' || d[k] === null) problems.push(`${k} is missing or not an object`);
  }
  if (problems.length === 0) {
    for (const k of INSTANCE_KEYS) if (typeof d.instance![k] !== 'string') problems.push(`instance.${k} is not a string`);
    const spec = d.spec!;
    if (typeof spec.vault !== 'object' || spec.vault === null) problems.push('spec.vault is not an object');
    for (const f of FIELDS) {
      const raw = specValueAsInput(spec, f.field);
      if (raw === undefined) {
        if (f.field === 'cluster' || f.field === 'roles') problems.push(`spec.${f.field} is missing`);
        continue;
      }
      const parsed = f.parse(raw);
      if (!parsed.ok) problems.push(`spec.${f.field} = ${JSON.stringify(raw).slice(0, 80)} is not allowed: expected ${parsed.allowed}`);
    }
    for (const [k, v] of Object.entries(spec.nodeMeta ?? {})) {
      if (!META_KEY.test(k) || typeof v !== 'string' || !metaValue(v).ok) problems.push(`spec.nodeMeta.${k} is not allowed`);
    }
  }
  if (problems.length) {
    throw new HashinodeError('HN_E_SPEC_INVALID', `${file} is not valid \`hashinode facts --json\` output:\n  ${problems.join('\n  ')}`);
  }
  return { instance: d.instance!, tags: d.tags!, spec: d.spec!, sources: d.sources! };
}

export async function readFactsFile(file: string): Promise<NodeFacts> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new HashinodeError('HN_E_FILE_READ', `cannot read the facts file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {
      cause: err,
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new HashinodeError('HN_E_SPEC_INVALID', `${file} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  return validateFactsJson(data, file);
}
