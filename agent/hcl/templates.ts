import type { Expression, TemplateExpr, TemplatePart } from './cst.ts';
import type { Cursor } from './cursor.ts';

// Quoted strings and heredocs are templates: literal text, ${...} interpolations and %{...}
// directives. The literal values are decoded the way HCL does (escapes, ~ strip markers, the
// indentation of <<- heredocs), since the JSON projection shows them decoded.

type ParseExpr = (c: Cursor) => Expression;

type Flat =
  | { kind: 'lit'; value: string; at: number }
  | { kind: 'interp'; expr: Expression; stripL: boolean; stripR: boolean; at: number }
  | { kind: 'if'; cond: Expression; stripL: boolean; stripR: boolean; at: number }
  | { kind: 'for'; key?: string; value: string; coll: Expression; stripL: boolean; stripR: boolean; at: number }
  | { kind: 'else' | 'endif' | 'endfor'; stripL: boolean; stripR: boolean; at: number };

const LEADING_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;
const TRAILING_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/u;

export function parseTemplate(c: Cursor, parseExpr: ParseExpr): TemplateExpr {
  const open = c.next();
  const heredoc = open.type === 'oheredoc';
  const flush = heredoc && c.text.charCodeAt(open.start + 2) === 45;
  const closeType = heredoc ? 'cheredoc' : 'cquote';
  const flat: Flat[] = [];
  for (;;) {
    const t = c.raw();
    if (t.type === closeType) break;
    if (t.type === 'lit') {
      const raw = c.textOf(t);
      flat.push({ kind: 'lit', value: heredoc ? decodeTemplateEscapes(raw) : decodeQuoted(c, raw, t.start), at: t.start });
      continue;
    }
    if (t.type !== 'interp' && t.type !== 'control') throw c.error(t.start, 'unterminated template');
    const stripL = c.text.charCodeAt(t.end - 1) === 126;
    c.pushNewlines(false);
    let item: Exclude<Flat, { kind: 'lit' }>;
    if (t.type === 'interp') {
      item = { kind: 'interp', expr: parseExpr(c), stripL, stripR: false, at: t.start };
    } else {
      item = parseDirective(c, parseExpr, stripL, t.start);
    }
    const end = c.next();
    if (end.type !== 'seqend') throw c.error(end.start, `expected '}' to close the template sequence, found ${c.describe(end)}`);
    c.popNewlines();
    item.stripR = c.text.charCodeAt(end.start) === 126;
    flat.push(item);
  }
  const close = c.lastEnd;
  applyStripMarkers(flat);
  if (flush) flushHeredoc(flat);
  const state = { i: 0 };
  const parts = nest(c, flat, state, undefined);
  const only = flat.length === 1 ? flat[0]! : undefined;
  const wrapped = only?.kind === 'interp' ? only.expr : undefined;
  return { kind: 'template', start: open.start, end: close, heredoc, parts, ...(wrapped ? { wrapped } : {}) };
}

function parseDirective(c: Cursor, parseExpr: ParseExpr, stripL: boolean, at: number): Exclude<Flat, { kind: 'lit' }> {
  const kw = c.next();
  const word = kw.type === 'ident' ? c.textOf(kw) : '';
  switch (word) {
    case 'if':
      return { kind: 'if', cond: parseExpr(c), stripL, stripR: false, at };
    case 'for': {
      const first = c.next();
      if (first.type !== 'ident') throw c.error(first.start, 'for directive needs a variable name');
      let key: string | undefined;
      let value = c.textOf(first);
      if (c.isPunct(c.peek(), ',')) {
        c.next();
        const second = c.next();
        if (second.type !== 'ident') throw c.error(second.start, 'for directive needs a value variable name after the comma');
        key = value;
        value = c.textOf(second);
      }
      const inTok = c.next();
      if (!c.isKeyword(inTok, 'in')) throw c.error(inTok.start, "for directive needs 'in' after its variable names");
      const coll = parseExpr(c);
      return { kind: 'for', ...(key !== undefined ? { key } : {}), value, coll, stripL, stripR: false, at };
    }
    case 'else':
    case 'endif':
    case 'endfor':
      return { kind: word, stripL, stripR: false, at };
    default:
      throw c.error(kw.start, `unknown template directive ${c.describe(kw)}: expected if, else, endif, for or endfor`);
  }
}

function applyStripMarkers(flat: Flat[]): void {
  for (let i = 0; i < flat.length; i++) {
    const f = flat[i]!;
    if (f.kind === 'lit') continue;
    const prev = flat[i - 1];
    const next = flat[i + 1];
    if (f.stripL && prev?.kind === 'lit') prev.value = prev.value.replace(TRAILING_SPACE, '');
    if (f.stripR && next?.kind === 'lit') next.value = next.value.replace(LEADING_SPACE, '');
  }
}

/** `<<-` heredocs lose the indentation common to their lines (blank lines do not count). */
function flushHeredoc(flat: Flat[]): void {
  let min = Number.MAX_SAFE_INTEGER;
  let newline = true;
  const adjust: Extract<Flat, { kind: 'lit' }>[] = [];
  for (const f of flat) {
    if (newline) {
      newline = false;
      let spaces: number;
      if (f.kind === 'lit') {
        const lead = LEADING_SPACE.exec(f.value)?.[0] ?? '';
        if (lead.length === f.value.length && f.value.endsWith('\n')) {
          spaces = Number.MAX_SAFE_INTEGER;
        } else {
          spaces = countSpaces(lead);
          adjust.push(f);
        }
      } else {
        spaces = 0;
      }
      if (spaces < min) min = spaces;
    }
    if (f.kind === 'lit' && f.value.endsWith('\n')) newline = true;
  }
  if (min === Number.MAX_SAFE_INTEGER) return;
  for (const f of adjust) f.value = dropSpaces(f.value, min);
}

// HCL counts grapheme clusters; for whitespace that only differs by CR LF being one.
function countSpaces(lead: string): number {
  let n = 0;
  for (let i = 0; i < lead.length; i++) {
    if (lead.charCodeAt(i) === 13 && lead.charCodeAt(i + 1) === 10) i++;
    n++;
  }
  return n;
}

function dropSpaces(value: string, count: number): string {
  let i = 0;
  for (let k = 0; k < count && i < value.length; k++) {
    if (value.charCodeAt(i) === 13 && value.charCodeAt(i + 1) === 10) i++;
    i++;
  }
  return value.slice(i);
}

function nest(c: Cursor, flat: Flat[], state: { i: number }, open: Flat | undefined): TemplatePart[] {
  const parts: TemplatePart[] = [];
  while (state.i < flat.length) {
    const f = flat[state.i]!;
    switch (f.kind) {
      case 'lit':
        state.i++;
        parts.push({ kind: 'text', value: f.value });
        break;
      case 'interp':
        state.i++;
        parts.push({ kind: 'interp', expr: f.expr });
        break;
      case 'if': {
        state.i++;
        const then = nest(c, flat, state, f);
        let otherwise: TemplatePart[] = [];
        if (flat[state.i - 1]?.kind === 'else') otherwise = nest(c, flat, state, flat[state.i - 1]);
        parts.push({ kind: 'if', cond: f.cond, then, else: otherwise });
        break;
      }
      case 'for': {
        state.i++;
        const body = nest(c, flat, state, f);
        parts.push({ kind: 'for', ...(f.key !== undefined ? { key: f.key } : {}), value: f.value, coll: f.coll, body });
        break;
      }
      case 'else':
        if (open?.kind !== 'if') throw c.error(f.at, '%{else} without a matching %{if}');
        state.i++;
        return parts;
      case 'endif':
        if (open?.kind !== 'if' && open?.kind !== 'else') throw c.error(f.at, '%{endif} without a matching %{if}');
        state.i++;
        return parts;
      case 'endfor':
        if (open?.kind !== 'for') throw c.error(f.at, '%{endfor} without a matching %{for}');
        state.i++;
        return parts;
    }
  }
  if (open) throw c.error(open.at, `%{${open.kind}} is not closed with %{${open.kind === 'for' ? 'endfor' : 'endif'}}`);
  return parts;
}

/** `$${` and `%%{` stand for a literal `${` and `%{` in every template. */
export function decodeTemplateEscapes(raw: string): string {
  if (!raw.includes('{')) return raw;
  return raw.replace(/([$%])\1\{/g, '$1{');
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

export function decodeQuoted(c: Cursor, raw: string, offset: number): string {
  if (!raw.includes('\\')) return decodeTemplateEscapes(raw);
  let out = '';
  let i = 0;
  while (i < raw.length) {
    const ch = raw[i]!;
    if (ch !== '\\') {
      if ((ch === '$' || ch === '%') && raw[i + 1] === ch && raw[i + 2] === '{') {
        out += `${ch}{`;
        i += 3;
        continue;
      }
      out += ch;
      i++;
      continue;
    }
    const e = raw[i + 1];
    if (e !== undefined && SIMPLE_ESCAPES[e] !== undefined) {
      out += SIMPLE_ESCAPES[e];
      i += 2;
      continue;
    }
    if (e === 'u' || e === 'U') {
      const len = e === 'u' ? 4 : 8;
      const hex = raw.slice(i + 2, i + 2 + len);
      const code = /^[0-9a-fA-F]+$/.test(hex) && hex.length === len ? Number.parseInt(hex, 16) : -1;
      if (code < 0 || code > 0x10ffff) throw c.error(offset + i, `invalid unicode escape: \\${e} needs ${len} hex digits of a valid code point`);
      out += String.fromCodePoint(code);
      i += 2 + len;
      continue;
    }
    throw c.error(offset + i, `invalid escape sequence \\${e ?? ''}: use \\n, \\r, \\t, \\", \\\\, \\uNNNN or \\UNNNNNNNN`);
  }
  return out;
}
