import path from 'node:path';
import hcl2 from 'hcl2-parser';
import { Paths } from '../../../agent/core/paths.ts';
import { type RenderResult, type RenderSecrets, renderNodeConfig } from '../../../agent/render/node-config.ts';
import type { NodeFacts } from '../../../agent/node/types.ts';
import { REPO } from '../../helpers/cli.ts';

export const TEMPLATES = path.join(REPO, 'config-templates');

export function renderFor(facts: NodeFacts, secrets: RenderSecrets = {}, root = '/nonexistent-root', extra: { sharedTemplatesDir?: string; only?: string[] } = {}): Promise<RenderResult> {
  return renderNodeConfig({ facts, paths: new Paths(root), secrets, builtinTemplatesDir: TEMPLATES, ...extra });
}

export function fileOf(files: RenderResult, hostPath: string): string {
  const f = files.find((x) => x.path === hostPath);
  if (!f) throw new Error(`${hostPath} was not rendered (got ${files.map((x) => x.path).join(', ')})`);
  return f.content;
}

/** hcl2-parser's view of a rendered file (blocks become lists of objects). */
// biome-ignore lint/suspicious/noExplicitAny: hcl2-parser output is untyped JSON, read by tests field by field
export function hclObject(text: string): Record<string, any> {
  const [value, error] = hcl2.parseToObject(text);
  if (error) throw new Error(`hcl2-parser rejects:\n${text}`);
  // biome-ignore lint/suspicious/noExplicitAny: hcl2-parser output is untyped JSON, read by tests field by field
  return value as Record<string, any>;
}
