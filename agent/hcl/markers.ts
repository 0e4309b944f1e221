import { HashinodeError } from '../core/errors.ts';
import type { Attribute, Block, BodyItem, HclDocument } from './cst.ts';
import { type Entry, entryCut, entryLines, singleLineOf } from './entries.ts';
import { applySplices, eolAt, type LineSpan, ownedLines, type Splice } from './lines.ts';
import { parse } from './parser.ts';

// Reversible edits. A tag (e.g. "bootstrap") names who made them:
//   a commented-out line:  <indent># hashinode:<tag> <original line>
//   a line the edit set:   <indent>name = value # hashinode:<tag>-set
// A set line is written just above the commented-out original. Restoring deletes set lines and
// strips the prefixes, which gives back the original bytes. An item sharing its line is handled
// through its one-line block: the block line is the unit, rewritten and commented as a whole.

const TAG = /^[a-z0-9]+$/;

export function commentPrefix(tag: string): string {
  if (!TAG.test(tag)) throw new HashinodeError('HN_E_HCL_EDIT', `marker tag '${tag}' must be lowercase letters and digits`);
  return `# hashinode:${tag} `;
}

export function setSuffix(tag: string): string {
  commentPrefix(tag);
  return ` # hashinode:${tag}-set`;
}

function editError(doc: HclDocument, what: string, reason: string): HashinodeError {
  return new HashinodeError('HN_E_HCL_EDIT', `${doc.file ?? '<input>'}: ${what}: ${reason}`);
}

/** Prefixes every line of a whole-lines chunk with the marker, after its indentation. */
export function commentLines(chunk: string, tag: string): string {
  const prefix = commentPrefix(tag);
  let out = '';
  for (const line of chunk.split(/(?<=\n)/)) {
    const indent = /^\ufeff?[ \t]*/.exec(line)![0];
    out += indent + prefix + line.slice(indent.length);
  }
  return out;
}

/**
 * An edit before marking: whole lines to replace as given (commented-out lines), or a change
 * inside a unit line, which becomes a marked copy of the line above the commented-out original.
 * Changes inside the same line are merged (`ports = { https = 8501, grpc_tls = 8503 }`).
 */
export type MarkedEdit = { kind: 'lines'; splice: Splice } | { kind: 'rewrite'; span: LineSpan; inner: Splice };

function rewriteOf(span: LineSpan, start: number, end: number, text: string): MarkedEdit {
  return { kind: 'rewrite', span, inner: { start, end, text } };
}

/** Turns edits into splices of the text: rewrites of one line merged, marked and kept above the original. */
export function markedSplices(text: string, edits: MarkedEdit[], tag: string): Splice[] {
  const out: Splice[] = [];
  const rewrites = new Map<number, { span: LineSpan; inner: Splice[] }>();
  for (const e of edits) {
    if (e.kind === 'lines') out.push(e.splice);
    else {
      const group = rewrites.get(e.span.start) ?? { span: e.span, inner: [] };
      group.inner.push(e.inner);
      rewrites.set(e.span.start, group);
    }
  }
  for (const { span, inner } of rewrites.values()) {
    const lineEnd = span.end - (/\r?\n$/.exec(text.slice(span.start, span.end))?.[0].length ?? 0);
    const local = inner.map((s) => ({ start: s.start - span.start, end: Math.min(s.end, lineEnd) - span.start, text: s.text }));
    const line = applySplices(text.slice(span.start, lineEnd), local);
    // A byte order mark stays first in the file: on the set line, and back on the original at restore.
    const original = text.slice(span.start, span.end).replace(/^\ufeff/, '');
    out.push({ start: span.start, end: span.end, text: `${line}${setSuffix(tag)}${eolAt(text, span.start)}${commentLines(original, tag)}` });
  }
  return out;
}

function oneLineParent(doc: HclDocument, parent: Block | undefined, what: string, verb: string): LineSpan {
  const span = parent?.oneLine ? ownedLines(doc.source, parent) : undefined;
  if (!span) throw editError(doc, what, `shares its line with other text, so it cannot be ${verb} line by line`);
  return span;
}

/** Comments an item out: its own lines, or (in a one-line block) the block line, rewritten as `name {}`. */
export function commentSplice(doc: HclDocument, item: BodyItem, parent: Block | undefined, what: string, tag: string): MarkedEdit {
  const text = doc.source;
  const own = ownedLines(text, item);
  if (own) return { kind: 'lines', splice: { start: own.start, end: own.end, text: commentLines(text.slice(own.start, own.end), tag) } };
  const span = oneLineParent(doc, parent, what, 'commented out');
  return rewriteOf(span, item.start - item.leading.length, item.end + parent!.body.trailing.length, '');
}

/** Sets an argument to literal: a new marked line above the commented-out original. */
export function setSplice(doc: HclDocument, attr: Attribute, parent: Block | undefined, literal: string, what: string): MarkedEdit {
  const text = doc.source;
  const own = ownedLines(text, attr);
  if (own) {
    const gap = (s: string) => (/^[ \t]*$/.test(s) ? s : ' ');
    return rewriteOf(own, attr.start, own.end, `${attr.name}${gap(attr.beforeEquals)}=${gap(attr.afterEquals)}${literal}`);
  }
  const span = oneLineParent(doc, parent, what, 'set');
  return rewriteOf(span, attr.end - attr.raw.length, attr.end, literal);
}

function entryUnit(doc: HclDocument, entry: Entry, what: string, verb: string): LineSpan {
  const span = singleLineOf(doc.source, entry.attr);
  if (!span) throw editError(doc, what, `shares its line with other entries, so it cannot be ${verb} line by line`);
  return span;
}

/** Comments out an object entry's lines, or drops it from the argument's line (rewritten, marked). */
export function entryCommentSplice(doc: HclDocument, entry: Entry, what: string, tag: string): MarkedEdit {
  const text = doc.source;
  const own = entryLines(text, entry);
  if (own) return { kind: 'lines', splice: { start: own.start, end: own.end, text: commentLines(text.slice(own.start, own.end), tag) } };
  const cut = entryCut(text, entry);
  return rewriteOf(entryUnit(doc, entry, what, 'commented out'), cut.start, cut.end, '');
}

/** Sets an object entry's value: a marked copy of its line above the commented-out original. */
export function entrySetSplice(doc: HclDocument, entry: Entry, literal: string, what: string): MarkedEdit {
  const span = entryLines(doc.source, entry) ?? entryUnit(doc, entry, what, 'set');
  return rewriteOf(span, entry.value.start, entry.value.end, literal);
}

/** Undoes every edit with this tag: set lines go, commented-out lines come back. */
export function restoreMarked(text: string, tag: string, file?: string): string {
  parse(text, file);
  const prefix = commentPrefix(tag);
  const suffix = setSuffix(tag);
  let out = '';
  let bom = '';
  for (const line of text.split(/(?<=\n)/)) {
    const body = line.replace(/\r?\n$/, '');
    const eol = line.slice(body.length);
    const indent = /^\ufeff?[ \t]*/.exec(body)![0];
    if (body.startsWith(prefix, indent.length)) {
      out += bom + indent + body.slice(indent.length + prefix.length) + eol;
    } else if (body.endsWith(suffix)) {
      if (body.startsWith('\ufeff')) bom = '\ufeff';
      continue;
    } else {
      out += bom + line;
    }
    bom = '';
  }
  parse(out, file);
  return out;
}
