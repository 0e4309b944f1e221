import { HashinodeError } from '../core/errors.ts';
import type { Attribute, Block, BodyItem, HclDocument } from './cst.ts';
import { eolAt, type LineSpan, ownedLines, type Splice } from './lines.ts';
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

function rewrite(text: string, span: LineSpan, line: string, tag: string): Splice {
  // A byte order mark stays first in the file: on the set line, and back on the original at restore.
  const original = text.slice(span.start, span.end).replace(/^\ufeff/, '');
  return { start: span.start, end: span.end, text: `${line}${setSuffix(tag)}${eolAt(text, span.start)}${commentLines(original, tag)}` };
}

function oneLineParent(doc: HclDocument, parent: Block | undefined, what: string, verb: string): LineSpan {
  const span = parent?.oneLine ? ownedLines(doc.source, parent) : undefined;
  if (!span) throw editError(doc, what, `shares its line with other text, so it cannot be ${verb} line by line`);
  return span;
}

/** Comments an item out: its own lines, or (in a one-line block) the block line, rewritten as `name {}`. */
export function commentSplice(doc: HclDocument, item: BodyItem, parent: Block | undefined, what: string, tag: string): Splice {
  const text = doc.source;
  const own = ownedLines(text, item);
  if (own) return { start: own.start, end: own.end, text: commentLines(text.slice(own.start, own.end), tag) };
  const span = oneLineParent(doc, parent, what, 'commented out');
  const open = item.start - item.leading.length;
  const close = item.end + parent!.body.trailing.length;
  return rewrite(text, span, text.slice(span.start, open) + text.slice(close, span.end).replace(/\r?\n$/, ''), tag);
}

/** Sets an argument to literal: a new marked line above the commented-out original. */
export function setSplice(doc: HclDocument, attr: Attribute, parent: Block | undefined, literal: string, what: string, tag: string): Splice {
  const text = doc.source;
  const own = ownedLines(text, attr);
  if (own) {
    const gap = (s: string) => (/^[ \t]*$/.test(s) ? s : ' ');
    return rewrite(text, own, `${text.slice(own.start, attr.start)}${attr.name}${gap(attr.beforeEquals)}=${gap(attr.afterEquals)}${literal}`, tag);
  }
  const span = oneLineParent(doc, parent, what, 'set');
  const valueStart = attr.end - attr.raw.length;
  return rewrite(text, span, text.slice(span.start, valueStart) + literal + text.slice(attr.end, span.end).replace(/\r?\n$/, ''), tag);
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
