import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from '../../helpers/cli.ts';

// The corpus every law is checked on: the fixtures under test/fixtures/hcl, plus this repository's
// config templates. A template holding `{{ ... }}` placeholders is made into HCL by one fixed rule:
// each placeholder becomes the string "placeholder" and each section tag line ({{#if}}, {{else}},
// {{/if}}) is dropped, keeping both branches. The result must parse like any hand-written file.

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

const PLACEHOLDER = /\{\{\s*[^#/{}][^{}]*\}\}/g;
const SECTION_LINE = /^[ \t]*\{\{\s*(?:[#/][^{}]*|else\s*)\}\}[ \t]*\r?\n/gm;

/** A config template with placeholders, turned into plain HCL by the rule above. */
export function templateToHcl(text: string): string {
  if (!text.includes('{{')) return text;
  return text.replace(SECTION_LINE, '').replace(PLACEHOLDER, '"placeholder"');
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
