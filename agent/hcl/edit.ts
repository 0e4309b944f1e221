import { HashinodeError } from '../core/errors.ts';
import type { Attribute, Block, Body, BodyItem, Expression, HclDocument } from './cst.ts';
import { toJson } from './json.ts';
import { keyName } from './entries.ts';
import { applySplices, eolAt, lineStartOf, ownedLines } from './lines.ts';
import { commentSplice, markedSplices, restoreMarked } from './markers.ts';
import { parse } from './parser.ts';

// Edits by path (`acl.default_policy`, `server.bootstrap_expect`, `service.web.port` through a
// label). Each edit splices the original text at the item it changes and re-parses the result,
// so comments, order and layout elsewhere stay exactly as they were.

export function splitPath(path: string): string[] {
  const segments = path.split('.');
  if (path === '' || segments.some((s) => s === '')) {
    throw new HashinodeError('HN_E_HCL_EDIT', `invalid path '${path}': use dotted names like acl.default_policy`);
  }
  return segments;
}

function editError(doc: HclDocument, path: string, reason: string): HashinodeError {
  return new HashinodeError('HN_E_HCL_EDIT', `${doc.file ?? '<input>'}: ${path}: ${reason}`, { details: { path } });
}

function asDoc(input: string | HclDocument, file?: string): HclDocument {
  return typeof input === 'string' ? parse(input, file) : input;
}

/**
 * The JSON projection at a dotted path (undefined when absent). A single block is stepped into
 * as an object; a numeric segment indexes a list; several blocks of one type are ambiguous.
 */
export function getValue(input: string | HclDocument, path: string, file?: string): unknown {
  const doc = asDoc(input, file);
  let current: unknown = toJson(doc);
  const segments = splitPath(path);
  for (const [i, seg] of segments.entries()) {
    if (Array.isArray(current)) {
      if (/^\d+$/.test(seg)) {
        current = current[Number(seg)];
        continue;
      }
      if (current.length !== 1) {
        throw editError(doc, path, `${segments.slice(0, i).join('.')} is ${current.length} blocks: add an index, e.g. ${segments.slice(0, i).join('.')}.0.${seg}`);
      }
      current = current[0];
    }
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, seg)) return undefined;
    current = (current as Record<string, unknown>)[seg];
  }
  return current;
}

/** Blocks of `type` whose labels are the next segments, and how many segments they take. */
function blocksAt(body: Body, segments: string[]): { block: Block; used: number }[] {
  const found: { block: Block; used: number }[] = [];
  for (const item of body.items) {
    if (item.kind !== 'block' || item.type !== segments[0]) continue;
    const used = 1 + item.labels.length;
    if (used > segments.length) continue;
    if (item.labels.every((l, k) => l.value === segments[k + 1])) found.push({ block: item, used });
  }
  return found;
}

export interface Located {
  /** The body holding the item (or where it would go), and the block owning that body. */
  body: Body;
  parent: Block | undefined;
  /** Segments that found no block (to be created), and the final name. */
  missing: string[];
  name: string;
  items: BodyItem[];
  /** The path went into an argument's object value (`ports = { https = 8501 }`): that value. */
  objectValue?: Expression;
}

/** Finds where path's last segment lives; missing intermediate blocks are reported, not guessed. */
export function locate(doc: HclDocument, path: string): Located {
  const segments = splitPath(path);
  let body = doc.body;
  let parent: Block | undefined;
  let i = 0;
  while (i < segments.length - 1) {
    // The path may end at a labelled block itself: `service.web` is service "web" {}.
    const exact = blocksAt(body, segments.slice(i)).filter((b) => b.used === segments.length - i);
    if (exact.length > 0) return { body, parent, missing: [], name: segments[i]!, items: exact.map((b) => b.block) };
    const rest = segments.slice(i, segments.length - 1);
    const blocks = blocksAt(body, rest);
    if (blocks.length > 1) throw editError(doc, path, `there are ${blocks.length} '${segments.slice(0, i + 1).join('.')}' blocks: the path is ambiguous`);
    if (blocks.length === 0) {
      const attr = body.items.find((it): it is Attribute => it.kind === 'attribute' && it.name === segments[i]);
      if (attr) {
        const value = attr.expr.kind === 'object' ? valueInObject(doc, attr.expr, segments.slice(i + 1)) : undefined;
        if (!value) throw editError(doc, path, `'${segments.slice(0, i + 1).join('.')}' is an argument${attr.expr.kind === 'object' ? ' without that key' : ', not a block'}`);
        return { body, parent, missing: [], name: segments[segments.length - 1]!, items: [], objectValue: value };
      }
      return { body, parent, missing: segments.slice(i, -1), name: segments[segments.length - 1]!, items: [] };
    }
    parent = blocks[0]!.block;
    body = parent.body;
    i += blocks[0]!.used;
  }
  const name = segments[segments.length - 1]!;
  const items = body.items.filter((it) => (it.kind === 'attribute' ? it.name : it.type) === name);
  return { body, parent, missing: [], name, items };
}

/** The value at keys inside an object expression (nested objects followed), if every key is there. */
function valueInObject(doc: HclDocument, obj: Expression, keys: string[]): Expression | undefined {
  let current: Expression = obj;
  for (const key of keys) {
    if (current.kind !== 'object') return undefined;
    // The last item with a key wins, as in the projection.
    const item = current.items.findLast((it) => keyName(doc, it.key) === key);
    if (!item) return undefined;
    current = item.value;
  }
  return current;
}

/** Checks that text is one HCL expression and returns it trimmed. */
export function checkValueLiteral(value: string, path: string): string {
  const trimmed = value.replace(/^[ \t]+|[ \t\r\n]+$/g, '');
  const probe = `x = ${trimmed}\n`;
  let ok = false;
  try {
    const doc = parse(probe);
    ok = doc.body.items.length === 1 && doc.body.items[0]!.kind === 'attribute' && doc.body.trailing === '';
  } catch {
    ok = false;
  }
  if (!ok || trimmed === '') throw new HashinodeError('HN_E_HCL_EDIT', `${path}: ${JSON.stringify(value)} is not one HCL value (quote strings: '"allow"')`);
  return trimmed;
}

/**
 * Sets the argument at path to the HCL value text (e.g. `1`, `"allow"`, `["a", "b"]`): replaces the
 * value in place, or inserts a new line at the end of its block (creating missing plain blocks).
 */
export function setAttribute(text: string, path: string, valueLiteral: string, file?: string): string {
  const doc = parse(text, file);
  const value = checkValueLiteral(valueLiteral, path);
  const at = locate(doc, path);
  if (at.objectValue) {
    const out = applySplices(text, [{ start: at.objectValue.start, end: at.objectValue.end, text: value }]);
    parse(out, file);
    return out;
  }
  const attr = at.items.find((it): it is Attribute => it.kind === 'attribute');
  if (attr) return replaceValue(text, attr, value, file);
  if (at.items.length > 0) throw editError(doc, path, `'${at.name}' is a block, not an argument`);
  return insertAttribute(doc, at, value, path);
}

function replaceValue(text: string, item: Attribute, value: string, file?: string): string {
  const out = applySplices(text, [{ start: item.end - item.raw.length, end: item.end, text: value }]);
  parse(out, file);
  return out;
}

function insertAttribute(doc: HclDocument, at: Located, value: string, path: string): string {
  const text = doc.source;
  if (at.parent?.oneLine) throw editError(doc, path, `'${at.parent.type}' is a one-line block: write it over several lines first`);
  const eol = eolAt(text, at.parent ? at.parent.start : 0);
  const indent = bodyIndent(text, at.body, at.parent);
  const unit = indent.endsWith('\t') ? '\t' : '  ';
  let lines = '';
  let depth = 0;
  for (const block of at.missing) {
    lines += `${indent}${unit.repeat(depth)}${block} {${eol}`;
    depth++;
  }
  lines += `${indent}${unit.repeat(depth)}${at.name} = ${value}${eol}`;
  for (let d = depth - 1; d >= 0; d--) lines += `${indent}${unit.repeat(d)}}${eol}`;

  const last = at.body.items[at.body.items.length - 1];
  let offset: number;
  let prefix = '';
  if (last) {
    offset = last.end + last.tail.length;
    if (!last.tail.endsWith('\n')) prefix = eol;
  } else if (at.parent) {
    // An empty block: the new line goes right after the line with the opening brace.
    const open = at.parent.end - 1 - at.parent.body.trailing.length;
    const nl = text.indexOf('\n', open);
    offset = nl >= 0 && nl < at.parent.end ? nl + 1 : open;
    if (offset === open) prefix = eol;
  } else {
    offset = text.length;
    if (text.length > 0 && !text.endsWith('\n')) prefix = eol;
  }
  const out = applySplices(text, [{ start: offset, end: offset, text: prefix + lines }]);
  parse(out, doc.file);
  return out;
}

/** The indentation of items in body: a sibling's, else the parent's plus two spaces. */
function bodyIndent(text: string, body: Body, parent: Block | undefined): string {
  for (const item of body.items) {
    const span = ownedLines(text, item);
    if (span) return span.indent;
  }
  if (!parent) return '';
  const start = lineStartOf(text, parent.start);
  const parentIndent = /^[ \t]*/.exec(text.slice(start, parent.start))![0];
  return parentIndent + (parentIndent.endsWith('\t') ? '\t' : '  ');
}

/** Removes the item at path (all its lines); HN_E_HCL_EDIT when absent or sharing a line. */
export function removeItem(text: string, path: string, file?: string): string {
  const doc = parse(text, file);
  const at = locate(doc, path);
  if (at.objectValue) throw editError(doc, path, 'is inside an object value: only set can change it');
  if (at.items.length === 0) throw editError(doc, path, 'no such argument or block');
  if (at.items.length > 1) throw editError(doc, path, `there are ${at.items.length} of them: the path is ambiguous`);
  const span = ownedLines(text, at.items[0]!);
  if (!span) throw editError(doc, path, 'it shares a line with other text; only whole lines are removed');
  const out = applySplices(text, [{ start: span.start, end: span.end, text: '' }]);
  parse(out, file);
  return out;
}

/**
 * Comments out every item at path with a reversible marker (`# hashinode:<tag> `, tag default
 * "edit"); `uncomment` with the same tag restores the file exactly.
 */
export function commentOut(text: string, path: string, opts: { tag?: string; file?: string } = {}): string {
  const doc = parse(text, opts.file);
  const at = locate(doc, path);
  if (at.objectValue) throw editError(doc, path, 'is inside an object value: only set can change it');
  if (at.items.length === 0) throw editError(doc, path, 'no such argument or block');
  const tag = opts.tag ?? 'edit';
  const out = applySplices(
    text,
    markedSplices(
      text,
      at.items.map((item) => commentSplice(doc, item, at.parent, path, tag)),
      tag,
    ),
  );
  parse(out, opts.file);
  return out;
}

/** Undoes every commentOut (and marked set) with the tag: the text as it was before them. */
export function uncomment(text: string, opts: { tag?: string; file?: string } = {}): string {
  return restoreMarked(text, opts.tag ?? 'edit', opts.file);
}
