import type { Expression, OtherExpr } from './cst.ts';
import type { Cursor } from './cursor.ts';
import { parseTemplate } from './templates.ts';

// Recursive descent over HCL expressions, with HCL's precedence, its newline rules and its
// errors for the same inputs (hcl2-parser is the oracle in the tests).

const BINARY_LEVELS: readonly (readonly string[])[] = [['||'], ['&&'], ['==', '!='], ['<', '>', '<=', '>='], ['+', '-'], ['*', '/', '%']];

export function parseExpression(c: Cursor): Expression {
  c.enter(c.peek().start);
  const e = parseConditional(c);
  c.leave();
  return e;
}

function parseConditional(c: Cursor): Expression {
  const cond = parseBinary(c, 0);
  if (!c.isPunct(c.peek(), '?')) return cond;
  c.next();
  const then = parseExpression(c);
  const colon = c.peek();
  if (!c.isPunct(colon, ':')) throw c.error(colon.start, `expected ':' and the false result of the conditional, found ${c.describe(colon)}`);
  c.next();
  const otherwise = parseExpression(c);
  return { kind: 'conditional', start: cond.start, end: otherwise.end, cond, then, else: otherwise };
}

function parseBinary(c: Cursor, level: number): Expression {
  if (level === BINARY_LEVELS.length) return parseWithTraversals(c);
  const ops = BINARY_LEVELS[level]!;
  let lhs = parseBinary(c, level + 1);
  for (;;) {
    const t = c.peek();
    if (t.type !== 'punct' || !ops.includes(c.textOf(t))) return lhs;
    c.next();
    const rhs = parseBinary(c, level + 1);
    lhs = { kind: 'binary', start: lhs.start, end: rhs.end };
  }
}

function parseWithTraversals(c: Cursor): Expression {
  return parseTraversals(c, parseTerm(c));
}

function parseTerm(c: Cursor): Expression {
  const t = c.peek();
  switch (t.type) {
    case 'number':
      c.next();
      return { kind: 'literal', start: t.start, end: t.end, value: Number(c.textOf(t)), raw: c.textOf(t) };
    case 'ident': {
      c.next();
      if (c.isPunct(c.peek(), '(')) return parseCall(c, t.start);
      const name = c.textOf(t);
      if (name === 'true' || name === 'false') return { kind: 'literal', start: t.start, end: t.end, value: name === 'true' };
      if (name === 'null') return { kind: 'literal', start: t.start, end: t.end, value: null };
      return { kind: 'traversal', start: t.start, end: t.end, scope: true };
    }
    case 'oquote':
    case 'oheredoc':
      return parseTemplate(c, parseExpression);
    case 'punct':
      break;
    case 'eof':
      throw c.error(t.start, 'expected an expression, found the end of the file');
    default:
      throw c.error(t.start, `expected an expression, found ${c.describe(t)}`);
  }
  const p = c.textOf(t);
  if (p === '-' || p === '!') {
    c.next();
    c.enter(t.start);
    const operand = parseWithTraversals(c);
    c.leave();
    return { kind: 'unary', op: p, start: t.start, end: operand.end, operand };
  }
  if (p === '(') {
    c.next();
    c.pushNewlines(false);
    parseExpression(c);
    const close = c.peek();
    if (!c.isPunct(close, ')')) throw c.error(close.start, `expected ')' to close the parenthesis, found ${c.describe(close)}`);
    c.next();
    c.popNewlines();
    return { kind: 'paren', start: t.start, end: close.end };
  }
  if (p === '[') return parseTuple(c);
  if (p === '{') return parseObject(c);
  throw c.error(t.start, `expected an expression, found ${c.describe(t)}`);
}

function parseCall(c: Cursor, start: number): Expression {
  c.next(); // (
  c.pushNewlines(false);
  for (;;) {
    if (c.isPunct(c.peek(), ')')) break;
    parseExpression(c);
    const sep = c.peek();
    if (c.isPunct(sep, ')')) break;
    if (c.isPunct(sep, '...')) {
      c.next();
      const close = c.peek();
      if (!c.isPunct(close, ')')) throw c.error(close.start, "an expanded argument (with ...) must be followed by ')'");
      break;
    }
    if (!c.isPunct(sep, ',')) throw c.error(sep.start, `expected ',' or ')' after a function argument, found ${c.describe(sep)}`);
    c.next();
  }
  const close = c.next();
  c.popNewlines();
  return { kind: 'call', start, end: close.end };
}

function parseTuple(c: Cursor): Expression {
  const open = c.next();
  c.pushNewlines(false);
  if (c.isKeyword(c.peek(), 'for')) {
    const e = parseFor(c, open.start, ']');
    c.popNewlines();
    return e;
  }
  const items: Expression[] = [];
  for (;;) {
    if (c.isPunct(c.peek(), ']')) break;
    items.push(parseExpression(c));
    const sep = c.peek();
    if (c.isPunct(sep, ']')) break;
    if (!c.isPunct(sep, ',')) throw c.error(sep.start, `expected ',' or ']' after a list item, found ${c.describe(sep)}`);
    c.next();
  }
  const close = c.next();
  c.popNewlines();
  return { kind: 'tuple', start: open.start, end: close.end, items };
}

function parseObject(c: Cursor): Expression {
  const open = c.next();
  c.pushNewlines(true);
  if (c.isKeyword(c.peek(), 'for')) {
    const e = parseFor(c, open.start, '}');
    c.popNewlines();
    return e;
  }
  const items: { key: Expression; value: Expression }[] = [];
  for (;;) {
    let t = c.peek();
    while (t.type === 'nl') {
      c.next();
      t = c.peek();
    }
    if (c.isPunct(t, '}')) break;
    const key = parseExpression(c);
    const eq = c.peek();
    if (!c.isPunct(eq, '=') && !c.isPunct(eq, ':')) throw c.error(eq.start, `expected '=' or ':' after an object key, found ${c.describe(eq)}`);
    c.next();
    const value = parseExpression(c);
    items.push({ key, value });
    const sep = c.peek();
    if (c.isPunct(sep, '}')) break;
    if (!c.isPunct(sep, ',') && sep.type !== 'nl') {
      throw c.error(sep.start, `expected ',', a newline or '}' after an object item, found ${c.describe(sep)}`);
    }
    c.next();
  }
  const close = c.next();
  c.popNewlines();
  return { kind: 'object', start: open.start, end: close.end, items };
}

function parseFor(c: Cursor, start: number, close: ']' | '}'): Expression {
  c.pushNewlines(false);
  c.next(); // for
  const name = (what: string) => {
    const t = c.peek();
    if (t.type !== 'ident') throw c.error(t.start, `for expression needs ${what}, found ${c.describe(t)}`);
    return c.next();
  };
  name('a variable name after for');
  if (c.isPunct(c.peek(), ',')) {
    c.next();
    name('a value variable name after the comma');
  }
  const inTok = c.peek();
  if (!c.isKeyword(inTok, 'in')) throw c.error(inTok.start, `for expression needs 'in' after its variable names, found ${c.describe(inTok)}`);
  c.next();
  parseExpression(c);
  c.expectPunct(':', "for expression needs ':' after the collection");
  const first = c.peek();
  parseExpression(c);
  let key = false;
  if (c.isPunct(c.peek(), '=>')) {
    c.next();
    parseExpression(c);
    key = true;
  }
  let group = false;
  if (c.isPunct(c.peek(), '...')) {
    c.next();
    group = true;
  }
  if (c.isKeyword(c.peek(), 'if')) {
    c.next();
    parseExpression(c);
  }
  const end = c.peek();
  if (!c.isPunct(end, close)) throw c.error(end.start, `unexpected ${c.describe(end)} after the end of the for expression`);
  if (close === '}' && !key) throw c.error(first.start, 'a for expression building an object needs a key expression (key => value)');
  if (close === ']' && key) throw c.error(first.start, 'a for expression building a list cannot have a key expression (=>)');
  if (close === ']' && group) throw c.error(first.start, 'the grouping ellipsis (...) cannot be used when building a list');
  c.next();
  c.popNewlines();
  return { kind: 'for', start, end: end.end };
}

function parseTraversals(c: Cursor, from: Expression): Expression {
  let expr = from;
  for (;;) {
    const t = c.peek();
    if (c.isPunct(t, '.')) {
      c.next();
      const a = c.peek();
      if (a.type === 'ident') {
        c.next();
        expr = step(expr, a.end);
      } else if (a.type === 'number') {
        legacyIndex(c, a);
        c.next();
        expr = step(expr, a.end);
      } else if (c.isPunct(a, '*')) {
        c.next();
        let end = a.end;
        while (c.isPunct(c.peek(), '.')) {
          c.next();
          const s = c.peek();
          if (s.type === 'number') legacyIndex(c, s);
          else if (s.type !== 'ident') {
            throw c.error(s.start, c.isPunct(s, '*') ? 'a splat (*) cannot be nested in an attribute-only splat' : 'an attribute name is required after a dot');
          }
          end = c.next().end;
        }
        expr = { kind: 'splat', start: expr.start, end };
      } else {
        throw c.error(a.start, `an attribute name is required after a dot, found ${c.describe(a)}`);
      }
      continue;
    }
    if (c.isPunct(t, '[')) {
      c.next();
      if (c.isPunct(c.peek(), '*')) {
        c.next();
        const close = c.next();
        if (!c.isPunct(close, ']')) throw c.error(close.start, "the splat operator [* must be closed by ']'");
        const each = parseTraversals(c, { kind: 'traversal', start: t.start, end: close.end });
        expr = { kind: 'splat', start: expr.start, end: each.end };
        continue;
      }
      c.pushNewlines(false);
      const key = parseExpression(c);
      const close = c.peek();
      if (!c.isPunct(close, ']')) throw c.error(close.start, `expected ']' to close the index, found ${c.describe(close)}`);
      c.next();
      c.popNewlines();
      const staticKey = key.kind === 'literal' || (key.kind === 'template' && key.parts.length === 1 && key.parts[0]!.kind === 'text' && !key.wrapped);
      expr = staticKey ? step(expr, close.end) : { kind: 'index', start: expr.start, end: close.end };
      continue;
    }
    return expr;
  }
}

/** One more static step (`.name`, `.0`, `[0]`): a variable traversal stays one. */
function step(expr: Expression, end: number): OtherExpr {
  if (expr.kind === 'traversal' && expr.scope) return { kind: 'traversal', start: expr.start, end, scope: true };
  return { kind: 'traversal', start: expr.start, end };
}

function legacyIndex(c: Cursor, t: { start: number; end: number }): void {
  const text = c.text.slice(t.start, t.end);
  if (text.includes('.')) throw c.error(t.start, `chained legacy indexes like .${text} are not allowed; write [${text.replace('.', '][')}] instead`);
}
