import type { Body, Expression, HclDocument, TemplatePart } from './cst.ts';
import { syntaxError } from './syntax-error.ts';

// The JSON projection, shaped exactly as hcl2-parser (hcl2json) shapes it, so callers and the
// service stand-ins see the same data whichever parser read the file: blocks become arrays,
// labels nested objects, literals JSON values, and any other expression its source as "${...}".

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

export function toJson(doc: HclDocument): JsonObject {
  return new Projector(doc).body(doc.body);
}

/** The projection of one expression (used by getValue on attribute values). */
export function expressionToJson(doc: HclDocument, expr: Expression): Json {
  return new Projector(doc).expr(expr);
}

export function bodyToJson(doc: HclDocument, body: Body): JsonObject {
  return new Projector(doc).body(body);
}

class Projector {
  private readonly doc: HclDocument;
  private readonly src: string;

  constructor(doc: HclDocument) {
    this.doc = doc;
    this.src = doc.source;
  }

  body(body: Body): JsonObject {
    const out: JsonObject = {};
    // Blocks first, then attributes over them: hcl2json's order, which decides name clashes.
    for (const item of body.items) {
      if (item.kind !== 'block') continue;
      let target = out;
      let key = item.type;
      for (const label of item.labels) {
        const inner = target[key];
        if (inner === undefined) {
          const obj: JsonObject = {};
          setKey(target, key, obj);
          target = obj;
        } else if (inner !== null && typeof inner === 'object' && !Array.isArray(inner) && Object.hasOwn(target, key)) {
          target = inner;
        } else {
          throw this.unprojectable(item.start, `block '${item.type}' mixes labelled and unlabelled forms`);
        }
        key = label.value;
      }
      const value = this.body(item.body);
      const current = Object.hasOwn(target, key) ? target[key] : undefined;
      if (current === undefined) setKey(target, key, [value]);
      else if (Array.isArray(current)) current.push(value);
      else throw this.unprojectable(item.start, `block '${item.type}' mixes labelled and unlabelled forms`);
    }
    for (const item of body.items) {
      if (item.kind === 'attribute') setKey(out, item.name, this.expr(item.expr));
    }
    return out;
  }

  expr(e: Expression): Json {
    switch (e.kind) {
      case 'literal':
        return e.value;
      case 'unary':
        return this.unary(e.op, e.operand, e);
      case 'template':
        if (e.wrapped) return this.expr(e.wrapped);
        return this.parts(e.parts);
      case 'tuple':
        return e.items.map((x) => this.expr(x));
      case 'object': {
        const out: JsonObject = {};
        for (const { key, value } of e.items) setKey(out, this.key(key), this.expr(value));
        return out;
      }
      default:
        return this.wrap(e);
    }
  }

  private unary(op: '-' | '!', operand: Expression, e: Expression): Json {
    if (operand.kind !== 'literal') return this.wrap(e);
    if (op === '-' && typeof operand.value === 'number') return -operand.value;
    if (op === '!' && typeof operand.value === 'boolean') return !operand.value;
    throw this.unprojectable(e.start, `operator ${op} cannot apply to ${JSON.stringify(operand.value)}`);
  }

  private key(key: Expression): string {
    if (key.kind === 'traversal' && key.scope) return this.source(key);
    return this.stringPart(key);
  }

  private parts(parts: TemplatePart[]): string {
    let out = '';
    for (const p of parts) {
      switch (p.kind) {
        case 'text':
          out += p.value;
          break;
        case 'interp':
          out += this.stringPart(p.expr);
          break;
        case 'if': {
          out += `%{if ${this.source(p.cond)}}${this.parts(p.then)}`;
          const otherwise = this.parts(p.else);
          if (otherwise.length > 0) out += `%{else}${otherwise}`;
          out += '%{endif}';
          break;
        }
        case 'for':
          out += `%{for ${p.key !== undefined ? `${p.key}, ` : ''}${p.value} in ${this.source(p.coll)}}${this.parts(p.body)}%{endfor}`;
          break;
      }
    }
    return out;
  }

  /** An expression inside a template (or an object key), as text. */
  private stringPart(e: Expression): string {
    switch (e.kind) {
      case 'literal':
        if (e.value === null) throw this.unprojectable(e.start, 'null cannot be used in a string template');
        return typeof e.value === 'number' ? decimalText(e.raw ?? String(e.value)) : String(e.value);
      case 'template':
        return e.wrapped ? this.stringPart(e.wrapped) : this.parts(e.parts);
      case 'conditional': {
        const then = this.stringPart(e.then);
        const otherwise = this.stringPart(e.else);
        return `%{if ${this.source(e.cond)}}${then}${otherwise.length > 0 ? `%{else}${otherwise}` : ''}%{endif}`;
      }
      default:
        return this.wrap(e);
    }
  }

  private wrap(e: Expression): string {
    return `\${${this.source(e)}}`;
  }

  private source(e: Expression): string {
    // hcl2json widens a range by a following ')' (its workaround for an old HCL range bug).
    const end = this.src.charCodeAt(e.end) === 41 ? e.end + 1 : e.end;
    return this.src.slice(e.start, end);
  }

  private unprojectable(offset: number, reason: string) {
    return syntaxError(this.src, offset, `cannot project to JSON: ${reason}`, this.doc.file);
  }
}

/** Sets a key so that even "__proto__" becomes an ordinary own property, as JSON.parse makes it. */
function setKey(obj: JsonObject, key: string, value: Json): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** A number literal as HCL's big-float 'f' formatting prints it: no exponent, no padding zeros. */
export function decimalText(raw: string): string {
  const m = /^(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(raw);
  if (!m) return raw;
  let digits = (m[1] ?? '') + (m[2] ?? '');
  let point = (m[1] ?? '').length + Number(m[3] ?? 0);
  const lead = /^0*/.exec(digits)![0].length;
  digits = digits.slice(lead);
  point -= lead;
  digits = digits.replace(/0+$/, '');
  if (digits === '') return '0';
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}
