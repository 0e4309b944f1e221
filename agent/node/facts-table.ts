import type { NodeFacts, Source, SourceKey } from './types.ts';

// `hashinode facts` for people: the instance, then every spec field with where it came from, then
// the raw tags. Values that could disturb a terminal (control characters) are shown JSON-quoted.

function display(value: unknown): string {
  if (value === null || value === undefined) return '(none)';
  if (Array.isArray(value)) return value.length ? value.map(display).join(',') : '(none)';
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return entries.length ? entries.map(([k, v]) => `${k}=${display(v)}`).join(',') : '(none)';
  }
  const s = String(value);
  return /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(s) ? JSON.stringify(s) : s;
}

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function table(rows: string[][], indent = '  '): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => `${indent}${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}`.trimEnd());
}

export function factsTable(facts: NodeFacts): string {
  const { instance, spec, sources, tags } = facts;
  const src = (k: SourceKey): Source | '' => sources[k] ?? '';
  const specRows: [SourceKey, unknown][] = [
    ['cluster', spec.cluster],
    ['roles', spec.roles],
    ['datacenter', spec.datacenter],
    ['nomadRegion', spec.nomadRegion],
    ['nomadDatacenter', spec.nomadDatacenter],
    ['consulServers', spec.consulServers],
    ['nomadServers', spec.nomadServers],
    ['joinTagKey', spec.joinTagKey],
    ['joinTagValue', spec.joinTagValue],
    ['efs', spec.efs],
    ['clientAddr', spec.clientAddr],
    ['dnsSearch', spec.dnsSearch],
    ['recursors', spec.recursors],
    ['nodeClass', spec.nodeClass],
    ['nodeMeta', spec.nodeMeta],
    ['vault', spec.vault.enabled],
    ['vaultStorage', spec.vault.storage],
    ['vaultKmsKey', spec.vault.kmsKeyId],
  ];
  const tagRows = Object.keys(tags)
    .sort()
    .map((k) => [display(k), display(tags[k])]);
  return [
    'Instance',
    ...table(Object.entries(instance).map(([k, v]) => [kebab(k), display(v)])),
    '',
    'Spec',
    ...table([['FIELD', 'VALUE', 'SOURCE'], ...specRows.map(([k, v]) => [kebab(k), display(v), src(k)])]),
    '',
    'Tags',
    ...(tagRows.length ? table(tagRows) : ['  (none)']),
    '',
  ].join('\n');
}
