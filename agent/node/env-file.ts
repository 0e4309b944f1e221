import { readFile } from 'node:fs/promises';
import { HashinodeError } from '../core/errors.ts';
import { nearest } from './suggest.ts';

// The env file (`/etc/hashinode/hashinode.env`): KEY=VALUE lines as a seed procedure writes them
// (and as systemd's EnvironmentFile reads them): `#` comments, blank lines, an optional leading
// `export `, values optionally in single quotes (literal) or double quotes (\" \\ \n \$ escapes).
// Every mistake is reported at once with file:line, so one edit fixes them all.

export interface EnvEntry {
  value: string;
  line: number;
}

export interface EnvFile {
  path: string;
  entries: Map<string, EnvEntry>;
  warnings: string[];
}

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

function unquote(raw: string): { value: string } | { error: string } {
  const text = raw.trim();
  const quote = text[0];
  if (quote !== '"' && quote !== "'") {
    // An unquoted value ends at a ` #` comment.
    const comment = text.search(/\s#/);
    return { value: (comment === -1 ? text : text.slice(0, comment)).trim() };
  }
  let value = '';
  for (let i = 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === quote) {
      const rest = text.slice(i + 1).trim();
      if (rest !== '' && !rest.startsWith('#')) return { error: `unexpected text after the closing ${quote}: ${JSON.stringify(rest)}` };
      return { value };
    }
    if (quote === '"' && c === '\\' && i + 1 < text.length) {
      const n = text[++i]!;
      value += n === 'n' ? '\n' : n === 't' ? '\t' : n;
      continue;
    }
    value += c;
  }
  return { error: `unterminated ${quote === '"' ? 'double' : 'single'} quote` };
}

/** Parses env-file text. Errors throw HN_E_ENV_FILE listing every bad line; unknown keys are warnings. */
export function parseEnvFile(text: string, path: string, knownKeys: readonly string[]): EnvFile {
  const entries = new Map<string, EnvEntry>();
  const errors: string[] = [];
  const warnings: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const where = `${path}:${line}`;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const body = trimmed.replace(/^export\s+/, '');
    const eq = body.indexOf('=');
    if (eq === -1) {
      errors.push(`${where}: not a KEY=VALUE assignment: ${JSON.stringify(trimmed.slice(0, 80))}`);
      return;
    }
    const key = body.slice(0, eq).trim();
    if (!KEY.test(key) || body.slice(0, eq) !== body.slice(0, eq).trimEnd()) {
      errors.push(`${where}: ${JSON.stringify(body.slice(0, eq))} is not a valid key (letters, digits, _; no spaces before =)`);
      return;
    }
    const parsed = unquote(body.slice(eq + 1));
    if ('error' in parsed) {
      errors.push(`${where}: ${key}: ${parsed.error}`);
      return;
    }
    const earlier = entries.get(key);
    if (earlier) {
      errors.push(`${where}: duplicate key ${key} (first set on line ${earlier.line})`);
      return;
    }
    entries.set(key, { value: parsed.value, line });
    if (!knownKeys.includes(key)) {
      const guess = nearest(key, knownKeys);
      warnings.push(`${where}: unknown key ${key}${guess ? ` (did you mean ${guess}?)` : ''}; it is ignored`);
    }
  });
  if (errors.length) {
    throw new HashinodeError('HN_E_ENV_FILE', `${path} has ${errors.length} error${errors.length > 1 ? 's' : ''}:\n  ${errors.join('\n  ')}`, {
      details: { path, errors },
    });
  }
  return { path, entries, warnings };
}

/** Reads and parses the env file; an absent file is an empty one (the file is optional). */
export async function readEnvFile(path: string, knownKeys: readonly string[]): Promise<EnvFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { path, entries: new Map(), warnings: [] };
    throw new HashinodeError('HN_E_FILE_READ', `cannot read the env file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {
      cause: err,
      details: { path },
    });
  }
  return parseEnvFile(text, path, knownKeys);
}
