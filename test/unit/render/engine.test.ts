import { describe, expect, it } from 'vitest';
import { isHashinodeError } from '../../../agent/core/errors.ts';
import { compileTemplate, renderTemplate, type TemplateContext } from '../../../agent/render/engine.ts';

function render(source: string, vars: Record<string, unknown>, context: TemplateContext = 'hcl', sourceOf?: (r: string) => string | undefined): string {
  return renderTemplate(compileTemplate(source, 'test.hcl', context), vars, { sourceOf });
}

function errorOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (isHashinodeError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected an error');
}

describe('printing', () => {
  it.each([
    ['a = {{ name }}\n', { name: 'x"y' }, 'a = "x\\"y"\n'],
    ['a = {{name}}\n', { name: 3 }, 'a = 3\n'],
    ['a = {{ flag | hcl }}\n', { flag: true }, 'a = true\n'],
    ['a = {{ xs | hcl_list }}\n', { xs: ['p', 'q'] }, 'a = ["p", "q"]\n'],
    ['a = {{ m | hcl_map }}\n', { m: { k: 'v' } }, 'a = { "k" = "v" }\n'],
    ['a = {{ o.inner.leaf }}\n', { o: { inner: { leaf: 'z' } } }, 'a = "z"\n'],
  ])('%j', (source, vars, expected) => {
    expect(render(source, vars)).toBe(expected);
  });

  it('has no way to print a string unescaped into HCL', () => {
    const e = errorOf(() => compileTemplate('a = {{ s | raw }}', 't.hcl', 'hcl'));
    expect(e.code).toBe('HN_E_TEMPLATE');
    expect(e.message).toContain("unknown filter 'raw'");
  });

  it('line files default to a plain word and refuse anything else, naming the source', () => {
    expect(render('server={{ ip | ip }}\n', { ip: '10.0.0.2' }, 'conf')).toBe('server=10.0.0.2\n');
    const e = errorOf(() => render('x\nserver={{ ip | ip }}\n', { ip: '1.1.1.1\nserver=6.6.6.6' }, 'conf', () => 'tag:hashinode:recursors'));
    expect(e.code).toBe('HN_E_RENDER_INVALID');
    expect(e.message).toContain('test.hcl:2');
    expect(e.message).toContain("'ip'");
    expect(e.message).toContain('tag:hashinode:recursors');
    expect(errorOf(() => render('{{ w }}', { w: 'a b' }, 'conf')).code).toBe('HN_E_RENDER_INVALID');
    expect(errorOf(() => compileTemplate('{{ w | hcl }}', 't', 'conf')).code).toBe('HN_E_TEMPLATE');
  });
});

describe('unknown names and malformed templates', () => {
  it.each([
    ['a = 1\nb = {{ missing }}\n', {}, 'test.hcl:2', "unknown variable 'missing'"],
    ['{{#if nope}}x{{/if}}', {}, 'test.hcl:1', "unknown variable 'nope'"],
    ['\n\n{{ o.absent }}', { o: { present: 1 } }, 'test.hcl:3', "unknown variable 'o.absent'"],
    ['{{ o.x.y }}', { o: { x: 'str' } }, 'test.hcl:1', "unknown variable 'o.x.y'"],
    ['{{ this }}', {}, 'test.hcl:1', "'this' used outside"],
    ['{{#each s}}{{/each}}', { s: 'abc' }, 'test.hcl:1', 'needs a list'],
    ['{{ u }}', { u: undefined }, 'test.hcl:1', "unknown variable 'u'"],
    ['{{ toString }}', {}, 'test.hcl:1', "unknown variable 'toString'"],
  ])('%j -> HN_E_TEMPLATE at %s', (source, vars, where, text) => {
    const e = errorOf(() => render(source, vars));
    expect(e.code).toBe('HN_E_TEMPLATE');
    expect(e.message).toContain(where);
    expect(e.message).toContain(text);
  });

  it.each([
    ['{{ open', "never closed"],
    ['{{#if a}}x', 'never closed'],
    ['{{#each a}}x{{/if}}', 'unexpected'],
    ['{{/if}}', 'unexpected'],
    ['{{else}}', 'unexpected'],
    ['{{#unless a}}{{/unless}}', 'unknown block'],
    ['{{ a b }}', 'malformed'],
    ['{{ a.b-c }}', 'malformed'],
    ['{{ a | }}', 'malformed'],
    ['{{#if a-b}}{{/if}}', 'not a variable name'],
    ['{{ a\n}}', 'span lines'],
  ])('%j is malformed', (source, text) => {
    const e = errorOf(() => compileTemplate(source, 'bad.hcl', 'hcl'));
    expect(e.code).toBe('HN_E_TEMPLATE');
    expect(e.message).toMatch(/^bad\.hcl:\d+: /);
    expect(e.message).toContain(text);
  });
});

describe('blocks', () => {
  it('if/else picks a branch by truthiness', () => {
    const t = '{{#if v}}yes{{else}}no{{/if}}';
    for (const [v, out] of [[true, 'yes'], [false, 'no'], [null, 'no'], ['', 'no'], ['x', 'yes'], [[], 'no'], [[1], 'yes'], [{}, 'no'], [{ a: 1 }, 'yes'], [0, 'no']] as const) {
      expect(render(t, { v }), JSON.stringify(v)).toBe(out);
    }
  });

  it('each binds this, nests, and reports item paths in errors', () => {
    expect(render('{{#each xs}}[{{ this }}]{{/each}}', { xs: ['a', 'b'] })).toBe('["a"]["b"]');
    expect(render('{{#each xs}}{{ this.n }};{{/each}}', { xs: [{ n: 1 }, { n: 2 }] })).toBe('1;2;');
    const e = errorOf(() => render('{{#each rs}}\nserver={{ this | ip }}\n{{/each}}\n', { rs: ['1.1.1.1', 'evil host'] }, 'conf', (r) => (r === 'rs' ? 'flag' : undefined)));
    expect(e.code).toBe('HN_E_RENDER_INVALID');
    expect(e.message).toContain("'rs[1]'");
    expect(e.message).toContain('from flag');
  });

  it('a line holding only a block tag or comment vanishes with its newline', () => {
    const source = 'a = 1\n  {{#if on}}\nb = 2\n  {{else}}\nb = 3\n{{/if}}  \n{{! a note }}\nc = 4\n';
    expect(render(source, { on: true })).toBe('a = 1\nb = 2\nc = 4\n');
    expect(render(source, { on: false })).toBe('a = 1\nb = 3\nc = 4\n');
    expect(render('x {{#if on}}y{{/if}} z\n', { on: true })).toBe('x y z\n');
  });

  it('line numbers count lines removed by standalone tags', () => {
    const e = errorOf(() => render('{{#if on}}\nok\n{{/if}}\n{{ missing }}\n', { on: true }));
    expect(e.message).toContain('test.hcl:4');
  });
});
