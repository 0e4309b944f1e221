import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from '../../helpers/cli.ts';

// The corpus every law is checked on: the fixtures under test/fixtures/hcl, plus this repository's
// config templates. A template holding `{{ ... }}` tags is made into HCL by one fixed rule: the
// first branch of every {{#if}} is kept (its {{else}} branch dropped), every {{#each}} body kept
// once, comments dropped, and each placeholder becomes the string "placeholder". The result must
// parse like any hand-written file.

export interface CorpusFile {
  name: string;
  text: string;
  flavor: 'consul' | 'nomad';
}

function walk(dir: string): string[] {
  let out: string[] = [];
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out = out.concat(walk(full));
    else if (e.name.endsWith('.hcl')) out.push(full);
  }
  return out.sort();
}

// Tags of agent/render/engine.ts: {{#if}} {{else}} {{/if}} and {{#each}} {{/each}} sections,
// {{! comments }} and {{ path | filter }} placeholders. A line holding only a section tag or a
// comment disappears with its newline, as the engine renders it.
const TAG_LINE = /^[ \t]*(\{\{\s*(?:[#/!][^{}]*|else\s*)\}\})[ \t]*\r?\n/gm;

/** A config template turned into plain HCL: the first branch of each if, each body once. */
export function templateToHcl(text: string): string {
  if (!text.includes('{{')) return text;
  const skipping: boolean[] = [];
  let out = '';
  for (const piece of text.replace(TAG_LINE, '$1').split(/(\{\{[^{}]*\}\})/)) {
    const tag = /^\{\{\s*([#/!]|else\b)?/.exec(piece);
    const skip = skipping.includes(true);
    if (!tag) {
      if (!skip) out += piece;
    } else if (tag[1] === '#') skipping.push(false);
    else if (tag[1] === 'else') skipping[skipping.length - 1] = true;
    else if (tag[1] === '/') skipping.pop();
    // Inside a string or a word (`"{{ x }}"`, `dc-{{ x }}`) the placeholder is plain text.
    else if (tag[1] === undefined && !skip) out += /["\w./-]$/.test(out) ? 'placeholder' : '"placeholder"';
  }
  return out;
}

function flavorOf(file: string): 'consul' | 'nomad' {
  return file.includes('nomad') ? 'nomad' : 'consul';
}

export function fixtureFiles(): CorpusFile[] {
  const root = path.join(REPO, 'test/fixtures/hcl');
  return walk(root).map((f) => ({ name: path.relative(root, f), text: readFileSync(f, 'utf8'), flavor: flavorOf(f) }));
}

export function templateFiles(): CorpusFile[] {
  const root = path.join(REPO, 'config-templates');
  return walk(root).map((f) => ({
    name: `config-templates/${path.relative(root, f)}`,
    text: templateToHcl(readFileSync(f, 'utf8')),
    flavor: flavorOf(f),
  }));
}

export function corpus(): CorpusFile[] {
  return [...fixtureFiles(), ...templateFiles()];
}
