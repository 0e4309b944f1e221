// A small parser for ACL policy rules (`acl = "write"`, `node_prefix "" { policy = "read" }`,
// `namespace "default" { capabilities = ["read-job"] }`), producing the same shape hcl2-parser
// does (attributes as values, blocks as lists, labelled blocks under their label). It exists so a
// long-running stand-in need not keep hcl2-parser's ~50 MB in memory: policies are parsed on
// every token resolution. Rules may also be JSON, as the agents accept.

type Value = string | number | boolean | Value[] | { [k: string]: unknown };

interface Token {
  kind: 'ident' | 'string' | 'number' | 'punct';
  text: string;
  line: number;
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) i++;
    else if (c === '#' || (c === '/' && src[i + 1] === '/')) {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) throw new Error(`line ${line}: unterminated comment`);
      line += src.slice(i, end).split('\n').length - 1;
      i = end + 2;
    } else if (c === '"') {
      let s = '';
      i++;
      while (i < src.length && src[i] !== '"') {
        if (src[i] === '\n') throw new Error(`line ${line}: unterminated string`);
        if (src[i] === '\\') {
          const n = src[i + 1];
          s += n === 'n' ? '\n' : n === 't' ? '\t' : (n ?? '');
          i += 2;
        } else s += src[i++];
      }
      if (src[i] !== '"') throw new Error(`line ${line}: unterminated string`);
      i++;
      out.push({ kind: 'string', text: s, line });
    } else if (/[A-Za-z_]/.test(c)) {
      let s = '';
      while (i < src.length && /[A-Za-z0-9_-]/.test(src[i]!)) s += src[i++];
      out.push({ kind: 'ident', text: s, line });
    } else if (/[0-9-]/.test(c)) {
      let s = '';
      while (i < src.length && /[0-9.eE+-]/.test(src[i]!)) s += src[i++];
      out.push({ kind: 'number', text: s, line });
    } else if ('={}[],:'.includes(c)) {
      out.push({ kind: 'punct', text: c, line });
      i++;
    } else throw new Error(`line ${line}: unexpected character ${JSON.stringify(c)}`);
  }
  return out;
}

export function parseRulesHcl(src: string): Record<string, unknown> {
  const trimmed = src.trim();
  if (trimmed.startsWith('{')) return JSON.parse(trimmed) as Record<string, unknown>;
  const toks = tokenize(src);
  let pos = 0;
  const peek = () => toks[pos];
  const next = () => {
    const t = toks[pos++];
    if (!t) throw new Error('unexpected end of rules');
    return t;
  };
  const expect = (text: string) => {
    const t = next();
    if (t.text !== text || t.kind === 'string') throw new Error(`line ${t.line}: expected "${text}", found ${JSON.stringify(t.text)}`);
  };

  function value(): Value {
    const t = next();
    if (t.kind === 'string') return t.text;
    if (t.kind === 'number') return Number(t.text);
    if (t.kind === 'ident' && (t.text === 'true' || t.text === 'false')) return t.text === 'true';
    if (t.text === '[') {
      const items: Value[] = [];
      while (peek() && peek()!.text !== ']') {
        items.push(value());
        if (peek()?.text === ',') pos++;
      }
      expect(']');
      return items;
    }
    if (t.text === '{') {
      const obj = body('}');
      expect('}');
      return obj as Value;
    }
    throw new Error(`line ${t.line}: unexpected ${JSON.stringify(t.text)}`);
  }

  function body(close: string | null): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    while (peek() && peek()!.text !== close) {
      const key = next();
      if (key.kind !== 'ident' && key.kind !== 'string') throw new Error(`line ${key.line}: expected a name, found ${JSON.stringify(key.text)}`);
      const after = peek();
      if (after?.text === '=' || after?.text === ':') {
        pos++;
        if (key.text in obj) throw new Error(`line ${key.line}: duplicate attribute ${key.text}`);
        obj[key.text] = value();
        if (peek()?.text === ',') pos++;
        continue;
      }
      const labels: string[] = [];
      while (peek()?.kind === 'string') labels.push(next().text);
      expect('{');
      const inner = body('}');
      expect('}');
      if (labels.length === 0) {
        const list = (obj[key.text] as unknown[] | undefined) ?? [];
        obj[key.text] = [...list, inner];
      } else {
        const byLabel = (obj[key.text] as Record<string, unknown[]> | undefined) ?? {};
        const label = labels[0]!;
        byLabel[label] = [...(byLabel[label] ?? []), inner];
        obj[key.text] = byLabel;
      }
    }
    return obj;
  }

  const result = body(null);
  if (pos !== toks.length) throw new Error(`line ${toks[pos]!.line}: unexpected ${JSON.stringify(toks[pos]!.text)}`);
  return result;
}
