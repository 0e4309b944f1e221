// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are HCL text, where ${...} is HCL interpolation
import fc from 'fast-check';

// Generated HCL documents for property tests: random layout (spaces, tabs, CRLF, comments in
// every legal place), every expression form, and names the phase edits look for, so the laws
// meet shapes no fixture has.

const NAMES = ['bootstrap_expect', 'retry_join', 'tls', 'auto_encrypt', 'acl', 'tokens', 'default_policy', 'server', 'server_join', 'enabled', 'name', 'port', 'x', 'y-z', '_u'];

const name = fc.constantFrom(...NAMES);
const ws = fc.constantFrom(' ', '  ', '\t', ' /* c */ ');
const gapNl = fc.constantFrom(' ', '\n', ' # c\n', ' // c\n', '\n\n', ' /* x\n y */ ');

const number = fc.oneof(
  fc.nat({ max: 100000 }).map(String),
  fc.tuple(fc.nat({ max: 999 }), fc.nat({ max: 99 })).map(([a, b]) => `${a}.${b}`),
  fc.tuple(fc.nat({ max: 99 }), fc.constantFrom('e', 'E', 'e+', 'e-'), fc.nat({ max: 20 })).map(([a, e, b]) => `${a}${e}${b}`),
);
const literal = fc.oneof(number, fc.constantFrom('true', 'false', 'null'), number.map((n) => `-${n}`), fc.constantFrom('!true', '!false'));
const traversal = fc.constantFrom('var.region', 'x', 'a.b.c', 'list[0]', 'm["k"]', 'l[var.i]', 'r.*.id', 'r[*].id', 'r.0.id');

const strPiece = fc.constantFrom('a', 'Z', ' ', '-', '\\n', '\\t', '\\"', '\\\\', '\\u00e9', 'é', '😀', '$${x}', '%%{y}', '$ ', '% ', '${var.x}', '${ y }', '${1.50}', '${true}', '%{if c}t%{else}f%{endif}', '%{ for v in l ~} ${v} %{~ endfor }', '${~ z ~}');
const quoted = fc.array(strPiece, { maxLength: 6 }).map((p) => `"${p.join('')}"`);
const heredocLine = fc.constantFrom('text', '  indented', '\tTAB', '', '${var.h}', '$${lit}', 'back\\slash', '%{if a}x%{endif}');
const heredoc = fc
  .tuple(fc.constantFrom('<<', '<<-'), fc.constantFrom('EOF', 'EOT'), fc.array(heredocLine, { maxLength: 4 }), fc.constantFrom('', '  '))
  .map(([op, m, lines, indent]) => `${op}${m}\n${lines.map((l) => `${indent}${l}\n`).join('')}${indent}${m}\n`);

const { value } = fc.letrec<{ value: string; list: string; object: string; call: string; binary: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    literal,
    quoted,
    traversal,
    tie('list'),
    tie('object'),
    tie('call'),
    tie('binary'),
    fc.tuple(tie('value'), tie('value'), tie('value')).map(([a, b, c]) => `${a} ? ${b} : ${c}`),
    tie('value').map((v) => `(${v})`),
    fc.constantFrom('[for s in l : upper(s) if s != ""]', '{for k, v in m : k => v}', '{for k, v in m : v => k...}'),
  ),
  list: fc
    .tuple(fc.array(fc.tuple(gapNl, fc.oneof(tie('value'), heredoc)), { maxLength: 4 }), fc.boolean(), gapNl)
    .map(([items, trailing, end]) => `[${items.map(([g, v]) => `${g}${v}`).join(',')}${trailing && items.length ? ',' : ''}${end}]`),
  object: fc
    .array(fc.tuple(fc.oneof(name, fc.constantFrom('"quoted"', '1', 'true', '(k)', 'a.b', '"k${n}"')), fc.constantFrom(' = ', ': ', '='), tie('value'), fc.constantFrom(',', '\n', ' # c\n', ',\n')), { maxLength: 4 })
    .map((items) => `{\n${items.map(([k, eq, v, sep], i) => `${k}${eq}${v}${i === items.length - 1 ? '\n' : sep}`).join('')}}`),
  call: fc
    .tuple(fc.constantFrom('f', 'concat', 'max'), fc.array(tie('value'), { maxLength: 3 }), fc.constantFrom('', ',', '...'))
    .map(([fn, args, end]) => `${fn}(${args.join(', ')}${args.length ? end : ''})`),
  binary: fc.tuple(tie('value'), fc.constantFrom('+', '-', '*', '/', '%', '==', '!=', '<', '>=', '&&', '||'), tie('value')).map(([a, op, b]) => `${a} ${op} ${b}`),
}));

const tail = fc.constantFrom('\n', ' # c\n', ' // c\n', ' /* c */\n', '\r\n', '\t\n');
const label = fc.constantFrom('"web"', '"a b"', 'bare', '"esc\\"aped"', '"tcp"');

interface GenOptions {
  depth: number;
}

function body(opts: GenOptions, indent: string): fc.Arbitrary<string> {
  const attribute = fc
    .tuple(name, ws, ws, fc.oneof(value, heredoc), tail)
    .map(([n, a, b, v, t]) => ({ key: n, text: (ind: string) => `${ind}${n}${a.replace(/\/\*.*\*\//, ' ')}=${b}${v}${t}` }));
  const oneLine = fc.tuple(name, name, fc.oneof(literal, quoted, traversal), tail).map(([t, n, v, tl]) => ({ key: `#${t}`, text: (ind: string) => `${ind}${t} { ${n} = ${v} }${tl}` }));
  const comment = fc.constantFrom('# hash comment\n', '// slash comment\n', '/* block\n   comment */\n', '\n').map((c) => ({ key: '', text: (ind: string) => `${ind}${c}` }));
  const items: fc.Arbitrary<{ key: string; text: (ind: string) => string }>[] = [attribute, oneLine, comment];
  if (opts.depth > 0) {
    const inner = body({ depth: opts.depth - 1 }, `${indent}  `);
    items.push(
      fc.tuple(name, fc.array(label, { maxLength: 2 }), inner, tail).map(([t, labels, b, tl]) => ({
        key: `#${t}`,
        text: (ind: string) => `${ind}${t}${labels.map((l) => ` ${l}`).join('')} {\n${b}${ind}}${tl}`,
      })),
    );
  }
  return fc.array(fc.oneof(...items), { maxLength: 6 }).map((list) => {
    const seen = new Set<string>();
    return list
      .filter((it) => {
        if (!it.key || it.key.startsWith('#')) return true;
        if (seen.has(it.key)) return false;
        seen.add(it.key);
        return true;
      })
      .map((it) => it.text(indent))
      .join('');
  });
}

/** A whole document; sometimes with a byte order mark or without a final newline. */
export const hclDocument: fc.Arbitrary<string> = fc
  .tuple(fc.boolean(), body({ depth: 2 }, ''), fc.boolean())
  .map(([bom, text, trimEnd]) => `${bom ? '\ufeff' : ''}${trimEnd ? text.replace(/\r?\n$/, '') : text}`);
