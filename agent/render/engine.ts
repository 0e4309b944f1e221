import { HashinodeError } from '../core/errors.ts';
import {
  UnsafeValueError,
  confWord,
  dnsName,
  dnsNames,
  hclList,
  hclMap,
  hclScalar,
  ipAddress,
  port,
} from './escape.ts';

// A deliberately small template engine. Mustache-like libraries print strings raw by default and
// treat a missing name as empty; a config renderer needs the opposite: every printed value passes a
// context filter (there is no raw filter for strings), and an unknown name stops rendering with the
// template and line. Grammar:
//   {{ path }}  {{ path | filter }}           print (path: a.b.c, `this`, `this.x`)
//   {{#if path}} ... {{else}} ... {{/if}}     truthy: true, non-empty string/list/map, non-zero number
//   {{#each path}} ... {{/each}}              `this` is the item
//   {{! comment }}
// A line holding only a block tag or a comment disappears with its newline, so templates can be
// laid out like the files they produce.

export type TemplateContext = 'hcl' | 'conf';

type Filter = (value: unknown) => string;

const FILTERS: Record<TemplateContext, { default: string; filters: Record<string, Filter> }> = {
  hcl: { default: 'hcl', filters: { hcl: hclScalar, hcl_list: hclList, hcl_map: hclMap } },
  conf: { default: 'word', filters: { word: confWord, ip: ipAddress, domain: dnsName, domains: dnsNames, port } },
};

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'print'; path: string; filter: string | undefined; line: number }
  | { kind: 'if'; path: string; whenTrue: Node[]; whenFalse: Node[]; line: number }
  | { kind: 'each'; path: string; body: Node[]; line: number };

export interface Template {
  name: string;
  context: TemplateContext;
  nodes: Node[];
}

export interface RenderOptions {
  /** Where a top-level variable's value came from (e.g. `tag:hashinode:cluster`), for error messages. */
  sourceOf?: (rootName: string) => string | undefined;
}

type Token =
  | { kind: 'text'; text: string }
  | { kind: 'tag'; body: string; line: number; standalone: boolean };

const PATH = /^(?:this|[A-Za-z_][A-Za-z0-9_]*)(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

function templateError(name: string, line: number, message: string): HashinodeError {
  return new HashinodeError('HN_E_TEMPLATE', `${name}:${line}: ${message}`, { details: { template: name, line } });
}

function tokenize(source: string, name: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let line = 1;
  while (pos < source.length) {
    const open = source.indexOf('{{', pos);
    if (open < 0) {
      tokens.push({ kind: 'text', text: source.slice(pos) });
      break;
    }
    const text = source.slice(pos, open);
    line += countNewlines(text);
    const close = source.indexOf('}}', open + 2);
    if (close < 0) throw templateError(name, line, "'{{' is never closed");
    const rawBody = source.slice(open + 2, close);
    const body = rawBody.trim();
    if (rawBody.includes('\n') && !body.startsWith('!')) throw templateError(name, line, 'a tag may not span lines');
    let end = close + 2;
    let before = text;
    let standalone = false;
    if (/^[#/!]|^else$/.test(body)) {
      // Drop the whole line when the tag is alone on it.
      const lineStart = text.lastIndexOf('\n') + 1;
      const lead = text.slice(lineStart);
      const nl = source.indexOf('\n', end);
      const rest = source.slice(end, nl < 0 ? source.length : nl);
      if (/^[ \t]*$/.test(lead) && /^[ \t\r]*$/.test(rest)) {
        before = text.slice(0, lineStart);
        end = nl < 0 ? source.length : nl + 1;
        standalone = true;
      }
    }
    if (before) tokens.push({ kind: 'text', text: before });
    tokens.push({ kind: 'tag', body, line, standalone });
    line += countNewlines(source.slice(open, end));
    pos = end;
  }
  return tokens;
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Parses a template; malformed tags and unbalanced blocks are HN_E_TEMPLATE naming template:line. */
export function compileTemplate(source: string, name: string, context: TemplateContext): Template {
  const tokens = tokenize(source, name);
  let i = 0;
  const known = FILTERS[context].filters;

  function parseUntil(closers: string[]): { nodes: Node[]; closer: string | undefined; line: number } {
    const nodes: Node[] = [];
    while (i < tokens.length) {
      const t = tokens[i++]!;
      if (t.kind === 'text') {
        nodes.push({ kind: 'text', text: t.text });
        continue;
      }
      const body = t.body;
      if (body.startsWith('!')) continue;
      if (closers.includes(body)) return { nodes, closer: body, line: t.line };
      if (body === 'else' || body.startsWith('/')) throw templateError(name, t.line, `unexpected {{${body}}}`);
      const block = /^#(if|each)\s+(\S+)$/.exec(body);
      if (block) {
        const path = block[2]!;
        if (!PATH.test(path)) throw templateError(name, t.line, `'${path}' is not a variable name`);
        if (block[1] === 'if') {
          const first = parseUntil(['else', '/if']);
          if (first.closer === undefined) throw templateError(name, t.line, '{{#if}} is never closed with {{/if}}');
          let elseNodes: Node[] = [];
          if (first.closer === 'else') {
            const second = parseUntil(['/if']);
            if (second.closer === undefined) throw templateError(name, t.line, '{{#if}} is never closed with {{/if}}');
            elseNodes = second.nodes;
          }
          nodes.push({ kind: 'if', path, whenTrue: first.nodes, whenFalse: elseNodes, line: t.line });
        } else {
          const inner = parseUntil(['/each']);
          if (inner.closer === undefined) throw templateError(name, t.line, '{{#each}} is never closed with {{/each}}');
          nodes.push({ kind: 'each', path, body: inner.nodes, line: t.line });
        }
        continue;
      }
      if (body.startsWith('#')) throw templateError(name, t.line, `unknown block {{${body}}} (only #if and #each)`);
      const print = /^([^|\s]+)\s*(?:\|\s*([A-Za-z_]+))?$/.exec(body);
      if (!print || !PATH.test(print[1]!)) throw templateError(name, t.line, `malformed tag {{ ${body} }}`);
      const filter = print[2];
      if (filter !== undefined && !(filter in known)) {
        throw templateError(name, t.line, `unknown filter '${filter}' in a ${context} template (known: ${Object.keys(known).join(', ')})`);
      }
      nodes.push({ kind: 'print', path: print[1]!, filter, line: t.line });
    }
    return { nodes, closer: undefined, line: 0 };
  }

  const top = parseUntil([]);
  return { name, context, nodes: top.nodes };
}

interface Scope {
  root: Record<string, unknown>;
  item?: { value: unknown; path: string };
}

function lookup(template: Template, scope: Scope, path: string, line: number): { value: unknown; path: string } {
  const [head, ...rest] = path.split('.');
  let value: unknown;
  let resolved: string;
  if (head === 'this') {
    if (!scope.item) throw templateError(template.name, line, "'this' used outside {{#each}}");
    value = scope.item.value;
    resolved = scope.item.path;
  } else {
    if (!Object.hasOwn(scope.root, head!)) throw templateError(template.name, line, `unknown variable '${path}'`);
    value = scope.root[head!];
    resolved = head!;
  }
  for (const key of rest) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, key)) {
      throw templateError(template.name, line, `unknown variable '${path}'`);
    }
    value = (value as Record<string, unknown>)[key];
    resolved += `.${key}`;
  }
  if (value === undefined) throw templateError(template.name, line, `unknown variable '${path}'`);
  return { value, path: resolved };
}

function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value !== null && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

/** Renders with `vars`. Unknown names are HN_E_TEMPLATE; values a filter refuses are HN_E_RENDER_INVALID. */
export function renderTemplate(template: Template, vars: Record<string, unknown>, options: RenderOptions = {}): string {
  const filters = FILTERS[template.context];
  let out = '';
  const walk = (nodes: Node[], scope: Scope) => {
    for (const node of nodes) {
      if (node.kind === 'text') out += node.text;
      else if (node.kind === 'print') {
        const { value, path } = lookup(template, scope, node.path, node.line);
        const filterName = node.filter ?? filters.default;
        try {
          out += filters.filters[filterName]!(value);
        } catch (err) {
          if (!(err instanceof UnsafeValueError)) throw err;
          const root = path.split(/[.[]/)[0]!;
          const source = options.sourceOf?.(root);
          throw new HashinodeError(
            'HN_E_RENDER_INVALID',
            `${template.name}:${node.line}: value of '${path}'${source ? ` (from ${source})` : ''} cannot be printed with '${filterName}': ${err.message}`,
            { details: { template: template.name, line: node.line, variable: path, source } },
          );
        }
      } else if (node.kind === 'if') {
        const { value } = lookup(template, scope, node.path, node.line);
        walk(truthy(value) ? node.whenTrue : node.whenFalse, scope);
      } else {
        const { value, path } = lookup(template, scope, node.path, node.line);
        if (!Array.isArray(value)) throw templateError(template.name, node.line, `{{#each ${node.path}}} needs a list`);
        for (const [index, item] of value.entries()) walk(node.body, { root: scope.root, item: { value: item, path: `${path}[${index}]` } });
      }
    }
  };
  walk(template.nodes, { root: vars });
  return out;
}
