// Files the executable carries so it works alone on a fresh AMI: config-templates/** and systemd/**.
// build.mjs puts them into the bundle as one JSON string (a few KB; a string literal costs V8
// almost nothing to parse, and both `node dist/hashinode.cjs` and the single executable see it).
// From the sources there is nothing embedded: callers read the repository's files instead.
//
//   embeddedFiles('config-templates')         -> { 'consul/consul.hcl.tmpl': '...', ... }
//   embeddedFiles('systemd')                  -> { 'hashinode.service': '...' }
//   embeddedFiles('config-templates/consul')  -> { 'consul.hcl.tmpl': '...' }
//   (from the sources)                        -> undefined

declare const __HASHINODE_EMBEDDED__: string | undefined;

let all: Record<string, string> | undefined;

/** Files under `prefix` (a repository-relative directory), keyed by their path relative to it. */
export function embeddedFiles(prefix: string): Record<string, string> | undefined {
  if (typeof __HASHINODE_EMBEDDED__ === 'undefined') return undefined;
  all ??= JSON.parse(__HASHINODE_EMBEDDED__) as Record<string, string>;
  return filesUnder(all, prefix);
}

/** The entries of `files` under directory `prefix`, re-keyed relative to it. */
export function filesUnder(files: Record<string, string>, prefix: string): Record<string, string> {
  const dir = prefix.replace(/^\.?\/+/, '').replace(/\/+$/, '');
  const lead = dir === '' ? '' : `${dir}/`;
  const out: Record<string, string> = {};
  for (const [rel, content] of Object.entries(files)) if (rel.startsWith(lead)) out[rel.slice(lead.length)] = content;
  return out;
}
