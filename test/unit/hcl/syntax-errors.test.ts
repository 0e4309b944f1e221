// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are HCL text, where ${...} is HCL interpolation
import { describe, expect, it } from 'vitest';
import { isHashinodeError } from '../../../agent/core/errors.ts';
import { parse, toJson } from '../../../agent/hcl/index.ts';
import { hcl2ParseToObject } from '../../../agent/hcl/oracle.ts';

// Bad input is HN_E_HCL_SYNTAX with file:line:column, a one-line reason, the offending line and a
// caret under the column; and hcl2-parser rejects the same inputs.

function syntaxErrorOf(text: string): string {
  try {
    parse(text, 'consul.hcl');
  } catch (err) {
    if (isHashinodeError(err, 'HN_E_HCL_SYNTAX')) return err.message;
    throw err;
  }
  throw new Error(`parsed: ${JSON.stringify(text)}`);
}

const CASES: [string, string, string, string][] = [
  // input, where, reason (substring), caret line
  ['a = \n', 'consul.hcl:1:5', 'expected an expression, found a newline', '      ^'],
  ['a = 1\nb = [1, 2\n', 'consul.hcl:2:10', "expected ',' or ']' after a list item, found the end of the file", '           ^'],
  ['a = 1\na = 2\n', 'consul.hcl:2:1', "argument 'a' is already set at line 1", '  ^'],
  ['acl {\n  enabled = true\n', 'consul.hcl:2:17', "block is not closed: expected '}'", '                  ^'],
  ['acl { enabled = true } server = true\n', 'consul.hcl:1:24', "expected a newline after the block's closing '}'", '                         ^'],
  ['acl { a = 1, b = 2 }\n', 'consul.hcl:1:12', 'one-line block can hold only one argument', '             ^'],
  ['acl { tokens {} }\n', 'consul.hcl:1:14', 'one-line block can hold only a single argument', '               ^'],
  ['acl\n{\n}\n', 'consul.hcl:1:4', "'acl' needs '= value' (an argument) or '{' on the same line (a block)", '     ^'],
  ['a = 1, b = 2\n', 'consul.hcl:1:6', 'unexpected comma after an argument', '       ^'],
  ['"a" = 1\n', 'consul.hcl:1:1', 'argument names must not be quoted', '  ^'],
  ['a = "unterminated\n', 'consul.hcl:1:18', 'quoted string is not closed on its line', '                   ^'],
  ['a = "bad \\q escape"\n', 'consul.hcl:1:10', 'invalid escape sequence \\q', '           ^'],
  ['a = <<EOF\nno end\n', 'consul.hcl:2:7', 'heredoc is not closed', '        ^'],
  ['a = 1;\n', 'consul.hcl:1:6', 'invalid character ";"', '       ^'],
  ['a = {x = 1 y = 2}\n', 'consul.hcl:1:12', "expected ',', a newline or '}' after an object item", '             ^'],
  ['a = [1 2]\n', 'consul.hcl:1:8', "expected ',' or ']' after a list item", '         ^'],
  ['a = f(1 2)\n', 'consul.hcl:1:9', "expected ',' or ')' after a function argument", '          ^'],
  ['a = (1 + 2\n', 'consul.hcl:1:11', "expected ')' to close the parenthesis", '            ^'],
  ['a = x ?\n  1 : 2\n', 'consul.hcl:1:8', 'expected an expression, found a newline', '         ^'],
  ['a = "${x"\n', 'consul.hcl:1:10', 'quoted string is not closed on its line', '           ^'],
  ['a = "${x y}"\n', 'consul.hcl:1:10', "expected '}' to close the template sequence", '           ^'],
  ['a = "%{if x}y"\n', 'consul.hcl:1:6', '%{if} is not closed with %{endif}', '       ^'],
  ['a = "%{endfor}"\n', 'consul.hcl:1:6', '%{endfor} without a matching %{for}', '       ^'],
  ['a = x.0.1\n', 'consul.hcl:1:7', 'chained legacy indexes', '        ^'],
  ['a = [for x in y : x...]\n', 'consul.hcl:1:19', 'grouping ellipsis', '                    ^'],
  ['a = {for x in y : x}\n', 'consul.hcl:1:19', 'needs a key expression', '                    ^'],
  ['b "x${y}" {}\n', 'consul.hcl:1:5', 'block labels must be plain quoted strings', '      ^'],
  ['a = 1 /* open comment\n', 'consul.hcl:1:7', 'block comment is not closed', '        ^'],
  ['\ta = @\n', 'consul.hcl:1:6', 'invalid character "@"', '  \t    ^'],
];

describe('HCL syntax errors', () => {
  it.each(CASES)('%j: %s %s', (input, where, reason, caret) => {
    const message = syntaxErrorOf(input);
    const [first, line, caretLine] = message.split('\n');
    expect(first).toBe(`${where}: ${first!.slice(where.length + 2)}`);
    expect(first).toContain(reason);
    expect(line).toBe(`  ${input.split('\n')[Number(where.split(':')[1]) - 1]}`);
    expect(caretLine).toBe(caret);
  });

  it.each(CASES)('%j is rejected by hcl2-parser too', async (input) => {
    await expect(hcl2ParseToObject(input)).rejects.toMatchObject({ code: 'HN_E_HCL_SYNTAX' });
  });

  it('names <input> when no file is given and carries line and column as details', () => {
    try {
      parse('a = [\n');
      expect.unreachable();
    } catch (err) {
      expect(isHashinodeError(err, 'HN_E_HCL_SYNTAX')).toBe(true);
      expect((err as Error).message).toMatch(/^<input>:1:6: /);
      expect((err as { details: unknown }).details).toMatchObject({ file: '<input>', line: 1, column: 6 });
    }
  });

  it('counts columns in characters, not UTF-16 units', () => {
    expect(syntaxErrorOf('a = "😀é" b\n')).toMatch(/^consul\.hcl:1:10: /);
  });
});

describe('pathological input', () => {
  it.each([
    ['brackets', `a = ${'['.repeat(100_000)}\n`],
    ['parentheses', `a = ${'('.repeat(100_000)}1\n`],
    ['unary minus', `a = ${'-'.repeat(100_000)}1\n`],
    ['blocks', 'b {\n'.repeat(100_000)],
    ['interpolations', `a = "${'${"'.repeat(50_000)}\n`],
  ])('deep %s are HN_E_HCL_SYNTAX, not a stack overflow', (_name, text) => {
    expect(() => parse(text)).toThrow(expect.objectContaining({ code: 'HN_E_HCL_SYNTAX' }));
  });

  it('a long flat file parses in one pass', () => {
    const text = Array.from({ length: 50_000 }, (_, i) => `k${i} = [${i}, "v${i}"] # c\n`).join('');
    expect(Object.keys(toJson(parse(text)))).toHaveLength(50_000);
  });
});
