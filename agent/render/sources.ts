import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { embeddedFiles } from '../core/embedded.ts';
import { HashinodeError } from '../core/errors.ts';

// Where a template comes from, first found wins:
//   1. <shared>/hashinode/<cluster>/templates/NAME  operator overrides for the whole cluster (EFS)
//   2. /etc/hashinode/templates/NAME                 overrides baked into this host or AMI
//   3. the templates built into the executable      (config-templates/ at build time)
// Running from the sources there is nothing built in; the repository's config-templates/ is used:
// $HASHINODE_TEMPLATES_DIR if set, else the config-templates/ next to the agent/ or dist/ directory
// the entry script lives in (found by walking up from process.argv[1], then from the cwd).

export interface TemplateSource {
  name: string;
  text: string;
  /** Where it was read: a file path, or `builtin:NAME`. */
  origin: string;
}

export interface TemplateDirs {
  /** `<shared>/hashinode/<cluster>/templates`, when the shared disk is known. */
  shared?: string;
  /** `<root>/etc/hashinode/templates`. */
  host?: string;
  /** Overrides the built-in set (tests; running from the sources). */
  builtinDir?: string;
}

const MARKER = path.join('consul', 'server.hcl');

function findUpwards(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    const candidate = path.join(dir, 'config-templates');
    if (existsSync(path.join(candidate, MARKER))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The repository's template directory when running from the sources, or undefined. */
export function sourceTemplatesDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const override = env.HASHINODE_TEMPLATES_DIR;
  if (override) return path.resolve(override);
  const entry = process.argv[1];
  return (entry ? findUpwards(path.dirname(entry)) : undefined) ?? findUpwards(process.cwd());
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new HashinodeError('HN_E_FILE_READ', `cannot read template ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** Loads template NAME (e.g. `consul/server.hcl`) from the first source that has it. */
export async function loadTemplate(name: string, dirs: TemplateDirs): Promise<TemplateSource> {
  for (const dir of [dirs.shared, dirs.host]) {
    if (!dir) continue;
    const file = path.join(dir, name);
    const text = await readIfExists(file);
    if (text !== undefined) return { name, text, origin: file };
  }
  const embedded = dirs.builtinDir ? undefined : embeddedFiles('config-templates');
  if (embedded) {
    const text = embedded[name];
    if (text !== undefined) return { name, text, origin: `builtin:${name}` };
  } else {
    const dir = dirs.builtinDir ?? sourceTemplatesDir();
    if (dir) {
      const file = path.join(dir, name);
      const text = await readIfExists(file);
      if (text !== undefined) return { name, text, origin: file };
    }
  }
  throw new HashinodeError('HN_E_TEMPLATE', `template ${name} not found (looked in ${[dirs.shared, dirs.host].filter(Boolean).join(', ') || 'no override dirs'} and the built-in templates)`, {
    details: { template: name },
  });
}
