// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are HCL text, where ${...} is HCL interpolation
import { describe, expect, it } from 'vitest';
import { parse, print, toJson } from '../../../agent/hcl/index.ts';
import { hcl2ParseToObject } from '../../../agent/hcl/oracle.ts';

// Each construct HCL configs use, with the JSON it projects to (the shape hcl2-parser gives:
// blocks as arrays, labels as nested keys, non-literal expressions as "${...}" strings).

const CASES: [string, string, unknown][] = [
  ['attribute', 'a = 1\n', { a: 1 }],
  ['numbers', 'a = 1.50\nb = 1e3\nc = 2.5E-3\nd = -7\n', { a: 1.5, b: 1000, c: 0.0025, d: -7 }],
  ['bools and null', 'a = true\nb = false\nc = null\nd = !true\n', { a: true, b: false, c: null, d: false }],
  ['string escapes', 'a = "t\\tn\\nq\\"b\\\\u\\u00e9U\\U0001F600"\n', { a: 't\tn\nq"b\\uéU😀' }],
  ['literal ${ and %{', 'a = "$${x} %%{y} $$"\n', { a: '${x} %{y} $$' }],
  ['interpolation', 'a = "n-${var.x}-${ y }"\n', { a: 'n-${var.x}-${y}' }],
  ['lone interpolation stands for its expression', 'a = "${true}"\nb = "${[1]}"\nc = "${x}"\n', { a: true, b: [1], c: '${x}' }],
  ['numbers in templates', 'a = "${1.50}|${1e3}"\n', { a: '1.5|1000' }],
  ['conditional in a template', 'a = "${x ? "p" : ""}!"\n', { a: '%{if x}p%{endif}!' }],
  ['directives', 'a = "%{ if x ~} y %{~ else }z%{ endif }"\n', { a: '%{if x}y%{else}z%{endif}' }],
  ['for directive', 'a = "%{for k, v in m}${k}%{endfor}"\n', { a: '%{for k, v in m}${k}%{endfor}' }],
  ['heredoc', 'a = <<EOF\nx\n  y\nEOF\n', { a: 'x\n  y\n' }],
  ['flush heredoc', 'a = <<-EOF\n    x\n      y\n    EOF\n', { a: 'x\n  y\n' }],
  ['heredoc keeps backslashes', 'a = <<EOF\n\\n $${x}\nEOF\n', { a: '\\n ${x}\n' }],
  ['CRLF heredoc', 'a = <<EOF\r\nx\r\nEOF\r\n', { a: 'x\r\n' }],
  ['list', 'a = [1, "b", [true],]\n', { a: [1, 'b', [true]] }],
  ['object with = and :', 'a = {\n  x = 1\n  "y": 2,\n}\n', { a: { x: 1, y: 2 } }],
  ['object keys', 'a = { 1 = 1, true = 2, x.y = 3, (k) = 4, "k${n}" = 5 }\n', { a: { '1': 1, true: 2, 'x.y': 3, '${(k)}': 4, 'k${n}': 5 } }],
  ['function call', 'a = f(1, "x")\n', { a: '${f(1, "x")}' }],
  ['operators', 'a = 1 + 2 * x\nb = x == 1 && !y\n', { a: '${1 + 2 * x}', b: '${x == 1 && !y}' }],
  ['conditional', 'a = x ? 1 : 2\n', { a: '${x ? 1 : 2}' }],
  ['for expressions', 'a = [for s in l : s if s != ""]\nb = {for k, v in m : k => v}\n', { a: '${[for s in l : s if s != ""]}', b: '${{for k, v in m : k => v}}' }],
  ['splat and index', 'a = x[*].y\nb = x.*.y\nc = x[0]\nd = x.0\n', { a: '${x[*].y}', b: '${x.*.y}', c: '${x[0]}', d: '${x.0}' }],
  ['parentheses', 'a = (1)\nb = -(2)\n', { a: '${(1)}', b: '${-(2)}' }],
  ['block', 'b {\n  x = 1\n}\n', { b: [{ x: 1 }] }],
  ['repeated blocks', 'b { x = 1 }\nb { x = 2 }\n', { b: [{ x: 1 }, { x: 2 }] }],
  ['labelled blocks', 'b "l1" l2 { x = 1 }\nb "l1" "l3" {}\n', { b: { l1: { l2: [{ x: 1 }], l3: [{}] } } }],
  ['attribute wins over a block of the same name', 'a = 1\na {\n}\n', { a: 1 }],
  ['comments dropped', '# c\na = 1 // d\n/* e */\nb = [ # f\n  2, /* g */\n]\n', { a: 1, b: [2] }],
  ['byte order mark', '\ufeffa = 1\n', { a: 1 }],
  ['no newline at the end', 'a = 1', { a: 1 }],
  ['empty file', '', {}],
];

describe('JSON projection', () => {
  it.each(CASES)('%s', async (_name, text, expected) => {
    const doc = parse(text);
    expect(print(doc)).toBe(text);
    expect(toJson(doc)).toEqual(expected);
    expect(await hcl2ParseToObject(text)).toEqual(expected);
  });

  it('refuses, like hcl2-parser, to project blocks that mix labelled and unlabelled forms', async () => {
    const text = 'b "x" {}\nb {}\n';
    expect(print(parse(text))).toBe(text);
    expect(() => toJson(parse(text))).toThrow(/cannot project to JSON/);
    await expect(hcl2ParseToObject(text)).rejects.toMatchObject({ code: 'HN_E_HCL_SYNTAX' });
  });
});
