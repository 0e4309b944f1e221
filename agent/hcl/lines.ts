import { HashinodeError } from '../core/errors.ts';
import type { BodyItem } from './cst.ts';

// Line arithmetic for edits that must touch only the lines they change.

export interface LineSpan {
  /** Offset of the start of the item's first line. */
  start: number;
  /** Offset after the item's last line, its newline included (or the end of the text). */
  end: number;
  /** Whitespace before the item on its first line. */
  indent: string;
}

export function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/**
 * The whole lines an item occupies, or undefined when it shares a line with something else
 * (a one-line block's argument, or text before it such as the end of a block comment).
 */
export function ownedLines(text: string, item: BodyItem): LineSpan | undefined {
  const start = lineStartOf(text, item.start);
  const indent = text.slice(start, item.start);
  if (!/^[ \t\ufeff]*$/.test(indent)) return undefined;
  const end = item.end + item.tail.length;
  if (!item.tail.endsWith('\n') && end !== text.length) return undefined;
  return { start, end, indent: indent.replace('\ufeff', '') };
}

/** The line ending used by the line containing offset, else the file's first one, else \n. */
export function eolAt(text: string, offset: number): string {
  const nl = text.indexOf('\n', offset);
  if (nl > 0) return text.charCodeAt(nl - 1) === 13 ? '\r\n' : '\n';
  return text.includes('\r\n') ? '\r\n' : '\n';
}

export interface Splice {
  start: number;
  end: number;
  text: string;
}

/** Applies non-overlapping splices (given in any order) to text. */
export function applySplices(text: string, splices: Splice[]): string {
  const sorted = [...splices].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const s of sorted) {
    if (s.start < at) throw new HashinodeError('HN_E_HCL_EDIT', `two edits overlap at offset ${s.start}: apply them one at a time`);
    out += text.slice(at, s.start) + s.text;
    at = s.end;
  }
  return out + text.slice(at);
}
