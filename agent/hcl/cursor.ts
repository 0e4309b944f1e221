import type { HashinodeError } from '../core/errors.ts';
import { type Token, type TokenType, tokenize } from './lexer.ts';
import { syntaxError } from './syntax-error.ts';

// A read position over the token list. Whether newlines matter depends on where we are (they end
// an attribute, but not inside brackets or parentheses), so that is a stack, as in HCL itself.

const MAX_DEPTH = 500;

export class Cursor {
  readonly text: string;
  readonly file: string | undefined;
  readonly tokens: Token[];
  private pos = 0;
  /** End offset of the last token consumed: where the expression just parsed stops. */
  lastEnd = 0;
  private readonly newlines: boolean[] = [true];

  constructor(text: string, file?: string) {
    this.text = text;
    this.file = file;
    this.tokens = tokenize(text, file);
  }

  private depth = 0;

  /** Guards recursion: absurdly deep nesting is a syntax error, not a stack overflow. */
  enter(at: number): void {
    if (++this.depth > MAX_DEPTH) throw this.error(at, `nesting deeper than ${MAX_DEPTH} levels`);
  }

  leave(): void {
    this.depth--;
  }

  pushNewlines(significant: boolean): void {
    this.newlines.push(significant);
  }

  popNewlines(): void {
    this.newlines.pop();
  }

  private nextIndex(): number {
    const keepNl = this.newlines[this.newlines.length - 1];
    const tokens = this.tokens;
    let i = this.pos;
    for (;;) {
      const t = tokens[i]!;
      if (t.type === 'ws' || t.type === 'comment' || (t.type === 'nl' && !keepNl)) i++;
      else return i;
    }
  }

  /** The next significant token, without consuming it. */
  peek(): Token {
    return this.tokens[this.nextIndex()]!;
  }

  /** Consumes and returns the next significant token. */
  next(): Token {
    const i = this.nextIndex();
    const t = this.tokens[i]!;
    if (t.type !== 'eof') this.pos = i + 1;
    this.lastEnd = t.end;
    return t;
  }

  /** The raw next token, trivia included (templates read their literal pieces this way). */
  raw(): Token {
    const t = this.tokens[this.pos]!;
    if (t.type !== 'eof') this.pos++;
    this.lastEnd = t.end;
    return t;
  }

  rawPeek(): Token {
    return this.tokens[this.pos]!;
  }

  textOf(t: Token): string {
    return this.text.slice(t.start, t.end);
  }

  is(t: Token, type: TokenType, text?: string): boolean {
    return t.type === type && (text === undefined || (t.end - t.start === text.length && this.text.startsWith(text, t.start)));
  }

  isPunct(t: Token, text: string): boolean {
    return this.is(t, 'punct', text);
  }

  isKeyword(t: Token, word: string): boolean {
    return this.is(t, 'ident', word);
  }

  /** Consumes the next token if it is the punctuation given, else fails with the reason. */
  expectPunct(text: string, reason: string): Token {
    const t = this.peek();
    if (!this.isPunct(t, text)) throw this.error(t.start, reason);
    return this.next();
  }

  error(offset: number, reason: string): HashinodeError {
    return syntaxError(this.text, offset, reason, this.file);
  }

  describe(t: Token): string {
    if (t.type === 'eof') return 'the end of the file';
    if (t.type === 'nl') return 'a newline';
    return `'${this.textOf(t).split('\n')[0]}'`;
  }
}
