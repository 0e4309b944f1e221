import type { Attribute, Expression, HclDocument, ObjectExpr } from './cst.ts';
import { type LineSpan, lineStartOf, ownedLines } from './lines.ts';

// Entries of object values (`acl = { default_policy = "deny" }`, Consul's older documented form),
// addressed by key like block arguments, so edits reach both spellings of the same setting.

export interface Entry {
  /** The body argument whose value holds the entry (maybe through nested objects). */
  attr: Attribute;
  object: ObjectExpr;
  key: Expression;
  value: Expression;
}

/** The name an object key stands for: a bare name or a plain quoted string (else undefined). */
export function keyName(doc: HclDocument, key: Expression): string | undefined {
  if (key.kind === 'traversal' && key.scope) return doc.source.slice(key.start, key.end);
  if (key.kind === 'template' && !key.heredoc && !key.wrapped && key.parts.every((p) => p.kind === 'text')) {
    return key.parts.map((p) => (p.kind === 'text' ? p.value : '')).join('');
  }
  return undefined;
}

export function entriesNamed(doc: HclDocument, attr: Attribute, object: ObjectExpr, name: string): Entry[] {
  return object.items.filter((it) => keyName(doc, it.key) === name).map((it) => ({ attr, object, key: it.key, value: it.value }));
}

// After an entry's value, a line it owns holds only a comma, spaces and comments.
const ENTRY_LINE_END = /^[ \t]*,?[ \t]*(?:\/\*(?:(?!\*\/)[^\n])*\*\/[ \t]*)*(?:(?:#|\/\/)[^\n]*|\r)?\n/;

/** The whole lines of an entry, or undefined when it shares a line with other entries or braces. */
export function entryLines(text: string, entry: Entry): LineSpan | undefined {
  const start = lineStartOf(text, entry.key.start);
  const indent = text.slice(start, entry.key.start);
  if (!/^[ \t]*$/.test(indent)) return undefined;
  const lineEnd = text.indexOf('\n', entry.value.end);
  const m = ENTRY_LINE_END.exec(text.slice(entry.value.end, lineEnd < 0 ? text.length : lineEnd + 1));
  if (!m) return undefined;
  return { start, end: entry.value.end + m[0].length, indent };
}

/** The argument's line when the whole argument is on one line it owns (the fallback unit). */
export function singleLineOf(text: string, attr: Attribute): LineSpan | undefined {
  const span = ownedLines(text, attr);
  if (!span) return undefined;
  const inner = text.slice(span.start, span.end).replace(/\r?\n$/, '');
  return inner.includes('\n') ? undefined : span;
}

/** Offsets to cut to drop an entry from a one-line object: the entry and one comma beside it. */
export function entryCut(text: string, entry: Entry): { start: number; end: number } {
  const after = /^[ \t]*,[ \t]*/.exec(text.slice(entry.value.end));
  if (after) return { start: entry.key.start, end: entry.value.end + after[0].length };
  const before = /,[ \t]*$/.exec(text.slice(0, entry.key.start));
  return { start: before ? entry.key.start - before[0].length : entry.key.start, end: entry.value.end };
}
