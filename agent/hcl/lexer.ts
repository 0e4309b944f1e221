import { syntaxError } from './syntax-error.ts';

// A lossless scanner for HCL native syntax: every byte of the input belongs to exactly one token,
// trivia (spaces, newlines, comments) included, so the parser can hand raw text to the printer.
// Templates nest (a string inside an interpolation inside a heredoc ...), hence a mode stack.

export type TokenType =
  | 'ws' // spaces and tabs
  | 'nl' // \n or \r\n
  | 'comment' // # or // (without the newline) or /* */
  | 'ident'
  | 'number'
  | 'punct' // operators and brackets; the text says which
  | 'oquote'
  | 'cquote'
  | 'lit' // literal text of a quoted string or one heredoc line (with its newline)
  | 'oheredoc' // <<EOF or <<-EOF with its newline
  | 'cheredoc' // the closing marker line without its newline
  | 'interp' // ${ or ${~
  | 'control' // %{ or %{~
  | 'seqend' // } or ~} closing an interpolation or directive
  | 'eof';

export interface Token {
  type: TokenType;
  start: number;
  end: number;
}

type Frame =
  | { kind: 'code'; braces: number; template: boolean }
  | { kind: 'quoted' }
  | { kind: 'heredoc'; marker: string; lineStart: boolean };

const PUNCT3 = new Set(['...']);
const PUNCT2 = new Set(['==', '!=', '<=', '>=', '&&', '||', '=>']);
const PUNCT1 = new Set(['=', ':', ',', '.', '(', ')', '[', ']', '{', '}', '?', '+', '-', '*', '/', '%', '!', '<', '>']);

const IDENT_START = /[\p{ID_Start}_]/uy;
const IDENT_REST = /[\p{ID_Continue}-]*/uy;
const HEREDOC_INTRO = /<<(-?)([\p{ID_Start}_][\p{ID_Continue}-]*)(\r?\n)/uy;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isAsciiIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isAsciiIdentRest(c: number): boolean {
  return isAsciiIdentStart(c) || isDigit(c) || c === 45;
}

export function tokenize(text: string, file?: string): Token[] {
  const tokens: Token[] = [];
  const stack: Frame[] = [{ kind: 'code', braces: 0, template: false }];
  const n = text.length;
  let i = 0;
  // A UTF-8 byte order mark is kept as whitespace so printing restores it.
  if (text.charCodeAt(0) === 0xfeff) {
    tokens.push({ type: 'ws', start: 0, end: 1 });
    i = 1;
  }
  const push = (type: TokenType, start: number, end: number) => {
    tokens.push({ type, start, end });
    i = end;
  };
  const fail = (at: number, reason: string): never => {
    throw syntaxError(text, at, reason, file);
  };

  while (i < n) {
    const frame = stack[stack.length - 1]!;
    const c = text.charCodeAt(i);

    if (frame.kind === 'quoted') {
      if (c === 34) {
        push('cquote', i, i + 1);
        stack.pop();
        continue;
      }
      const opener = templateOpener(text, i);
      if (opener) {
        push(opener.type, i, i + opener.length);
        stack.push({ kind: 'code', braces: 0, template: true });
        continue;
      }
      let j = i;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 34 || d === 10 || d === 13) break;
        if (d === 92) {
          // A backslash escapes the next character; validity is checked when decoding.
          j += 2;
          continue;
        }
        if ((d === 36 || d === 37) && text.charCodeAt(j + 1) === d && text.charCodeAt(j + 2) === 123) {
          j += 3;
          continue;
        }
        if ((d === 36 || d === 37) && text.charCodeAt(j + 1) === 123) break;
        j++;
      }
      if (j > n) j = n;
      if (j === i) fail(i, c === 10 || c === 13 ? 'quoted string is not closed on its line' : 'unterminated quoted string');
      push('lit', i, j);
      if (j >= n) fail(j, 'unterminated quoted string');
      continue;
    }

    if (frame.kind === 'heredoc') {
      if (frame.lineStart) {
        const close = heredocCloser(text, i, frame.marker);
        if (close > 0) {
          push('cheredoc', i, close);
          stack.pop();
          continue;
        }
        frame.lineStart = false;
      }
      const opener = templateOpener(text, i);
      if (opener) {
        push(opener.type, i, i + opener.length);
        stack.push({ kind: 'code', braces: 0, template: true });
        continue;
      }
      let j = i;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 10) {
          j++;
          frame.lineStart = true;
          break;
        }
        if ((d === 36 || d === 37) && text.charCodeAt(j + 1) === d && text.charCodeAt(j + 2) === 123) {
          j += 3;
          continue;
        }
        if ((d === 36 || d === 37) && text.charCodeAt(j + 1) === 123) break;
        j++;
      }
      push('lit', i, j);
      continue;
    }

    // code
    if (c === 32 || c === 9) {
      let j = i + 1;
      while (j < n && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
      push('ws', i, j);
      continue;
    }
    if (c === 10) {
      push('nl', i, i + 1);
      continue;
    }
    if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) {
        push('nl', i, i + 2);
        continue;
      }
      fail(i, 'carriage return not followed by a newline');
    }
    if (c === 35 || (c === 47 && text.charCodeAt(i + 1) === 47)) {
      let j = text.indexOf('\n', i);
      if (j < 0) j = n;
      else if (text.charCodeAt(j - 1) === 13) j--;
      push('comment', i, j);
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const j = text.indexOf('*/', i + 2);
      if (j < 0) fail(i, 'block comment is not closed with */');
      push('comment', i, j + 2);
      continue;
    }
    if (isDigit(c)) {
      push('number', i, scanNumber(text, i));
      continue;
    }
    if (isAsciiIdentStart(c) || c > 127) {
      let j = i + 1;
      while (j < n && isAsciiIdentRest(text.charCodeAt(j))) j++;
      if (j < n && text.charCodeAt(j) > 127) {
        IDENT_REST.lastIndex = j;
        IDENT_REST.test(text);
        j = IDENT_REST.lastIndex;
      }
      if (c > 127) {
        IDENT_START.lastIndex = i;
        if (!IDENT_START.test(text)) fail(i, `invalid character ${JSON.stringify(String.fromCodePoint(text.codePointAt(i)!))}`);
        IDENT_REST.lastIndex = IDENT_START.lastIndex;
        IDENT_REST.test(text);
        j = IDENT_REST.lastIndex;
      }
      push('ident', i, j);
      continue;
    }
    if (c === 34) {
      push('oquote', i, i + 1);
      stack.push({ kind: 'quoted' });
      continue;
    }
    if (c === 60 && text.charCodeAt(i + 1) === 60) {
      HEREDOC_INTRO.lastIndex = i;
      const m = HEREDOC_INTRO.exec(text);
      if (!m) fail(i, 'invalid heredoc introducer: expected <<MARKER or <<-MARKER followed by a newline');
      push('oheredoc', i, HEREDOC_INTRO.lastIndex);
      stack.push({ kind: 'heredoc', marker: m![2]!, lineStart: true });
      continue;
    }
    if (frame.template && frame.braces === 0) {
      if (c === 125) {
        push('seqend', i, i + 1);
        stack.pop();
        continue;
      }
      if (c === 126 && text.charCodeAt(i + 1) === 125) {
        push('seqend', i, i + 2);
        stack.pop();
        continue;
      }
    }
    const three = text.slice(i, i + 3);
    if (PUNCT3.has(three)) {
      push('punct', i, i + 3);
      continue;
    }
    const two = text.slice(i, i + 2);
    if (PUNCT2.has(two)) {
      push('punct', i, i + 2);
      continue;
    }
    const one = text[i]!;
    if (PUNCT1.has(one)) {
      if (c === 123) frame.braces++;
      else if (c === 125) frame.braces--;
      push('punct', i, i + 1);
      continue;
    }
    fail(i, `invalid character ${JSON.stringify(String.fromCodePoint(text.codePointAt(i)!))}`);
  }

  const top = stack[stack.length - 1]!;
  if (top.kind === 'heredoc') fail(n, `heredoc is not closed: expected a line with ${top.marker} followed by a newline`);
  if (top.kind === 'code' && top.template) fail(n, 'template sequence is not closed with }');
  tokens.push({ type: 'eof', start: n, end: n });
  return tokens;
}

function templateOpener(text: string, i: number): { type: 'interp' | 'control'; length: number } | undefined {
  const c = text.charCodeAt(i);
  if ((c !== 36 && c !== 37) || text.charCodeAt(i + 1) !== 123) return undefined;
  const type = c === 36 ? 'interp' : 'control';
  return { type, length: text.charCodeAt(i + 2) === 126 ? 3 : 2 };
}

/** End offset (before the newline) of a closing heredoc marker line starting at i, or -1. */
function heredocCloser(text: string, i: number, marker: string): number {
  let j = i;
  while (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9) j++;
  if (!text.startsWith(marker, j)) return -1;
  j += marker.length;
  while (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9) j++;
  if (text.charCodeAt(j) === 10) return j;
  if (text.charCodeAt(j) === 13 && text.charCodeAt(j + 1) === 10) return j;
  return -1;
}

function scanNumber(text: string, i: number): number {
  let j = i;
  while (isDigit(text.charCodeAt(j))) j++;
  if (text.charCodeAt(j) === 46 && isDigit(text.charCodeAt(j + 1))) {
    j++;
    while (isDigit(text.charCodeAt(j))) j++;
  }
  const e = text.charCodeAt(j);
  if (e === 101 || e === 69) {
    let k = j + 1;
    const s = text.charCodeAt(k);
    if (s === 43 || s === 45) k++;
    if (isDigit(text.charCodeAt(k))) {
      while (isDigit(text.charCodeAt(k))) k++;
      j = k;
    }
  }
  return j;
}
