import type { Token } from './lexer.ts';
import type { Attribute, Block, Body, BodyItem, HclDocument, Label } from './cst.ts';
import { Cursor } from './cursor.ts';
import { parseExpression } from './expressions.ts';
import { decodeQuoted } from './templates.ts';
import { positionAt } from './syntax-error.ts';

// Bodies: attributes end at a newline, blocks are `type label... {` with the brace on the header
// line, and a one-line block holds at most one attribute. Every piece of trivia is attached to
// the item after it (`leading`) or to the item's own line (`tail`), so nothing is lost.

export function parse(text: string, file?: string): HclDocument {
  const c = new Cursor(text, file);
  const body = parseBody(c, 0, 'eof');
  return { kind: 'document', file, source: text, body };
}

function parseBody(c: Cursor, from: number, end: 'eof' | '}'): Body {
  const items: BodyItem[] = [];
  const seen = new Map<string, number>();
  let cursor = from;
  for (;;) {
    const t = c.peek();
    if (t.type === 'nl') {
      c.next();
      continue;
    }
    if (end === 'eof' ? t.type === 'eof' : c.isPunct(t, '}')) {
      return { items, trailing: c.text.slice(cursor, t.start) };
    }
    if (t.type === 'eof') throw c.error(t.start, "block is not closed: expected '}' before the end of the file");
    if (t.type !== 'ident') {
      if (t.type === 'oquote') throw c.error(t.start, 'argument names must not be quoted');
      throw c.error(t.start, `expected an argument or block definition, found ${c.describe(t)}`);
    }
    const item = parseItem(c, cursor);
    if (item.kind === 'attribute') {
      const first = seen.get(item.name);
      if (first !== undefined) {
        throw c.error(item.start, `argument '${item.name}' is already set at line ${positionAt(c.text, first).line}`);
      }
      seen.set(item.name, item.start);
    }
    items.push(item);
    cursor = item.end + item.tail.length;
  }
}

function parseItem(c: Cursor, from: number): BodyItem {
  const name = c.next();
  const next = c.peek();
  if (c.isPunct(next, '=')) return parseAttribute(c, from, name, false);
  if (next.type === 'oquote' || next.type === 'ident' || c.isPunct(next, '{')) return parseBlock(c, from, name);
  if (next.type === 'nl' || next.type === 'eof') {
    throw c.error(next.start, `'${c.textOf(name)}' needs '= value' (an argument) or '{' on the same line (a block)`);
  }
  throw c.error(next.start, `expected '=' (argument) or a label or '{' (block) after '${c.textOf(name)}', found ${c.describe(next)}`);
}

function parseAttribute(c: Cursor, from: number, name: Token, oneLine: boolean): Attribute {
  const eq = c.next();
  const exprStart = c.peek().start;
  const expr = parseExpression(c);
  let tail = '';
  if (!oneLine) {
    const end = c.peek();
    if (end.type === 'nl') c.next();
    else if (end.type !== 'eof') {
      if (c.isPunct(end, ',')) throw c.error(end.start, 'unexpected comma after an argument: arguments are separated by newlines');
      throw c.error(end.start, `expected a newline after the argument, found ${c.describe(end)}`);
    }
    tail = c.text.slice(expr.end, end.type === 'nl' ? end.end : end.start);
  }
  return {
    kind: 'attribute',
    leading: c.text.slice(from, name.start),
    start: name.start,
    end: expr.end,
    tail,
    name: c.textOf(name),
    beforeEquals: c.text.slice(name.end, eq.start),
    afterEquals: c.text.slice(eq.end, exprStart),
    raw: c.text.slice(exprStart, expr.end),
    expr,
  };
}

function parseBlock(c: Cursor, from: number, type: Token): Block {
  const labels: Label[] = [];
  let prevEnd = type.end;
  let open: Token;
  for (;;) {
    const t = c.peek();
    if (c.isPunct(t, '{')) {
      open = c.next();
      break;
    }
    if (t.type === 'ident') {
      c.next();
      labels.push({ leading: c.text.slice(prevEnd, t.start), raw: c.textOf(t), value: c.textOf(t) });
      prevEnd = t.end;
      continue;
    }
    if (t.type === 'oquote') {
      c.next();
      let value = '';
      let lit = c.raw();
      if (lit.type === 'lit') {
        value = decodeQuoted(c, c.textOf(lit), lit.start);
        lit = c.raw();
      }
      if (lit.type !== 'cquote') throw c.error(lit.start, 'block labels must be plain quoted strings: template sequences are not allowed here');
      labels.push({ leading: c.text.slice(prevEnd, t.start), raw: c.text.slice(t.start, lit.end), value });
      prevEnd = lit.end;
      continue;
    }
    if (c.isPunct(t, '=')) throw c.error(t.start, `'=' after labels: an argument cannot have labels, a block needs '{'`);
    if (t.type === 'nl') throw c.error(t.start, "a block's opening '{' must be on the same line as its type and labels");
    throw c.error(t.start, `expected a quoted label or '{' in the block header, found ${c.describe(t)}`);
  }

  let body: Body;
  let oneLine = false;
  const first = c.peek();
  if (first.type === 'nl' || first.type === 'eof' || c.isPunct(first, '}')) {
    c.enter(open.start);
    body = parseBody(c, open.end, '}');
    c.leave();
  } else {
    oneLine = true;
    if (first.type !== 'ident') throw c.error(first.start, `expected an argument or block definition, found ${c.describe(first)}`);
    const name = c.next();
    if (!c.isPunct(c.peek(), '=')) {
      throw c.error(c.peek().start, 'a one-line block can hold only a single argument; put nested blocks on lines of their own');
    }
    const attr = parseAttribute(c, open.end, name, true);
    const after = c.peek();
    if (c.isPunct(after, ',')) throw c.error(after.start, 'a one-line block can hold only one argument; use one argument per line');
    if (after.type === 'nl') throw c.error(after.start, "a one-line block must be closed with '}' on the same line");
    if (!c.isPunct(after, '}')) throw c.error(after.start, `expected '}' after the argument of a one-line block, found ${c.describe(after)}`);
    body = { items: [attr], trailing: c.text.slice(attr.end, after.start) };
  }
  const close = c.next(); // }
  const eol = c.peek();
  if (eol.type === 'nl') c.next();
  else if (eol.type !== 'eof') throw c.error(eol.start, `expected a newline after the block's closing '}', found ${c.describe(eol)}`);
  return {
    kind: 'block',
    leading: c.text.slice(from, type.start),
    start: type.start,
    end: close.end,
    tail: c.text.slice(close.end, eol.type === 'nl' ? eol.end : eol.start),
    type: c.textOf(type),
    labels,
    beforeBrace: c.text.slice(prevEnd, open.start),
    body,
    oneLine,
  };
}
