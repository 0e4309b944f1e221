import { HashinodeError } from '../core/errors.ts';

// A syntax error names file:line:column and shows the offending line with a caret under the column,
// so an operator can find a typo in a hand-edited consul.hcl without another tool.

export interface Position {
  line: number;
  column: number;
}

/** 1-based line and column (in characters) of a string offset. */
export function positionAt(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  let column = 1;
  for (let i = lineStart; i < offset && i < text.length; i++) {
    const code = text.charCodeAt(i);
    // Count a surrogate pair as one character, and skip a leading byte order mark.
    if (code >= 0xdc00 && code <= 0xdfff && i > lineStart) continue;
    if (code === 0xfeff && i === 0) continue;
    column++;
  }
  return { line, column };
}

export function lineAt(text: string, offset: number): { start: number; text: string } {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  let end = text.indexOf('\n', start);
  if (end < 0) end = text.length;
  if (end > start && text.charCodeAt(end - 1) === 13) end--;
  return { start, text: text.slice(start, end) };
}

export function syntaxError(text: string, offset: number, reason: string, file?: string): HashinodeError {
  let at = Math.max(0, Math.min(offset, text.length));
  // At the end of a file that ends with a newline, point at the end of the last line instead of
  // at an empty line after it.
  if (at === text.length && at > 0 && text.endsWith('\n')) at -= text.endsWith('\r\n') ? 2 : 1;
  const { line, column } = positionAt(text, at);
  const src = lineAt(text, at);
  // Keep tabs in the caret line so the caret sits under the column in any tab width.
  const lead = src.text
    .slice(0, Math.max(0, at - src.start))
    .replace(/^\ufeff/, '')
    .replace(/[^\t]/gu, ' ');
  const where = `${file ?? '<input>'}:${line}:${column}`;
  const message = `${where}: ${reason}\n  ${src.text.replace(/^\ufeff/, '')}\n  ${lead}^`;
  return new HashinodeError('HN_E_HCL_SYNTAX', message, { details: { file: file ?? '<input>', line, column, reason } });
}
