import { describe, expect, it } from 'vitest';
import { commentOut, getValue, parse, removeItem, setAttribute, uncomment } from '../../../agent/hcl/index.ts';

// Edits by path change only the lines they touch; a path that is missing, ambiguous or of the
// wrong kind is HN_E_HCL_EDIT.

const CONFIG = `# Consul server
server           = true
bootstrap_expect = 3 # three servers

acl {
  enabled        = true
  default_policy = "deny" # locked down

  tokens {
    agent = "t-agent"
  }
}

service "web" {
  port = 80
}

listener "tcp" {
  address = "a"
}
listener "tcp" {
  address = "b"
}
empty {
}
`;

describe('getValue', () => {
  it.each([
    ['bootstrap_expect', 3],
    ['acl.default_policy', 'deny'],
    ['acl.tokens.agent', 't-agent'],
    ['acl.tokens', [{ agent: 't-agent' }]],
    ['service.web.port', 80],
    ['listener.tcp.1.address', 'b'],
    ['missing', undefined],
    ['acl.missing', undefined],
    ['bootstrap_expect.deeper', undefined],
  ])('%s', (path, expected) => {
    expect(getValue(CONFIG, path)).toEqual(expected);
    expect(getValue(parse(CONFIG), path)).toEqual(expected);
  });

  it('refuses an ambiguous path through repeated blocks', () => {
    expect(() => getValue(CONFIG, 'listener.tcp.address')).toThrow(expect.objectContaining({ code: 'HN_E_HCL_EDIT' }));
  });
});

describe('setAttribute', () => {
  it('replaces a value in place, keeping alignment and the trailing comment', () => {
    const out = setAttribute(CONFIG, 'acl.default_policy', '"allow"');
    expect(out).toBe(CONFIG.replace('default_policy = "deny" # locked down', 'default_policy = "allow" # locked down'));
  });

  it('replaces a top-level value', () => {
    expect(setAttribute(CONFIG, 'bootstrap_expect', '1')).toBe(CONFIG.replace('= 3 #', '= 1 #'));
  });

  it('sets through a block label', () => {
    expect(setAttribute(CONFIG, 'service.web.port', '8080')).toBe(CONFIG.replace('port = 80', 'port = 8080'));
  });

  it('inserts a missing argument at the end of its block with the siblings\' indentation', () => {
    const out = setAttribute(CONFIG, 'acl.tokens.default', '"t-default"');
    expect(out).toBe(CONFIG.replace('    agent = "t-agent"\n', '    agent = "t-agent"\n    default = "t-default"\n'));
  });

  it('inserts into an empty block and creates missing blocks', () => {
    expect(setAttribute(CONFIG, 'empty.x', 'true')).toBe(CONFIG.replace('empty {\n}', 'empty {\n  x = true\n}'));
    expect(setAttribute(CONFIG, 'ports.http', '8500')).toBe(`${CONFIG}ports {\n  http = 8500\n}\n`);
  });

  it('inserts at the top level of a file without a final newline', () => {
    expect(setAttribute('a = 1', 'b', '2')).toBe('a = 1\nb = 2\n');
  });

  it('keeps CRLF line endings when inserting', () => {
    expect(setAttribute('acl {\r\n  a = 1\r\n}\r\n', 'acl.b', '2')).toBe('acl {\r\n  a = 1\r\n  b = 2\r\n}\r\n');
  });

  it('accepts any single HCL value, multi-line ones included', () => {
    expect(setAttribute('a = 1\n', 'a', '["x", "y"]')).toBe('a = ["x", "y"]\n');
    expect(setAttribute('a = 1\n', 'a', '<<EOF\nx\nEOF')).toBe('a = <<EOF\nx\nEOF\n');
  });

  it.each([
    ['a', 'not a value', 'is not one HCL value'],
    ['a', '"unterminated', 'is not one HCL value'],
    ['a', '1\nb = 2', 'is not one HCL value'],
    ['acl', '1', 'is a block, not an argument'],
    ['bootstrap_expect.x', '1', 'is an argument, not a block'],
    ['listener.tcp.address', '"c"', 'ambiguous'],
    ['a..b', '1', 'invalid path'],
  ])('%s = %s is HN_E_HCL_EDIT (%s)', (path, value, reason) => {
    expect(() => setAttribute(CONFIG, path, value)).toThrow(expect.objectContaining({ code: 'HN_E_HCL_EDIT', message: expect.stringContaining(reason) }));
  });

  it('replaces a value inside an argument\'s object value, nested objects and quoted keys included', () => {
    const text = 'ports = {\n  http  = -1 # off\n  "https" = 8501\n}\nacl {\n  tokens = { agent = "a", nested = { x = 1 } }\n}\n';
    expect(setAttribute(text, 'ports.https', '8502')).toBe(text.replace('8501', '8502'));
    expect(setAttribute(text, 'ports.http', '8500')).toBe(text.replace('-1 # off', '8500 # off'));
    expect(setAttribute(text, 'acl.tokens.nested.x', '2')).toBe(text.replace('x = 1', 'x = 2'));
    expect(() => setAttribute(text, 'ports.grpc', '8502')).toThrow(expect.objectContaining({ code: 'HN_E_HCL_EDIT', message: expect.stringContaining('without that key') }));
    expect(() => removeItem(text, 'ports.http')).toThrow(expect.objectContaining({ code: 'HN_E_HCL_EDIT', message: expect.stringContaining('only set') }));
  });

  it('refuses to insert into a one-line block', () => {
    expect(() => setAttribute('acl { enabled = true }\n', 'acl.x', '1')).toThrow(expect.objectContaining({ code: 'HN_E_HCL_EDIT' }));
  });

  it('sets the value of a one-line block\'s argument in place', () => {
    expect(setAttribute('acl { default_policy = "deny" }\n', 'acl.default_policy', '"allow"')).toBe('acl { default_policy = "allow" }\n');
  });
});

describe('removeItem', () => {
  it('removes the lines of an argument or a block and nothing else', () => {
    expect(removeItem(CONFIG, 'acl.tokens')).toBe(CONFIG.replace('  tokens {\n    agent = "t-agent"\n  }\n', ''));
    expect(removeItem(CONFIG, 'bootstrap_expect')).toBe(CONFIG.replace('bootstrap_expect = 3 # three servers\n', ''));
  });

  it.each([
    ['missing', 'no such argument or block'],
    ['listener', 'ambiguous'],
  ])('%s is HN_E_HCL_EDIT', (path, reason) => {
    expect(() => removeItem(CONFIG, path)).toThrow(expect.objectContaining({ code: 'HN_E_HCL_EDIT', message: expect.stringContaining(reason) }));
  });

  it('refuses an argument that shares its line', () => {
    expect(() => removeItem('acl { enabled = true }\n', 'acl.enabled')).toThrow(expect.objectContaining({ code: 'HN_E_HCL_EDIT' }));
  });
});

describe('commentOut and uncomment', () => {
  it('comment out a block with a tagged marker and restore it exactly', () => {
    const out = commentOut(CONFIG, 'service.web', { tag: 'maint' });
    expect(out).toBe(CONFIG.replace('service "web" {\n  port = 80\n}\n', '# hashinode:maint service "web" {\n  # hashinode:maint port = 80\n# hashinode:maint }\n'));
    expect(getValue(out, 'service')).toBeUndefined();
    expect(uncomment(out, { tag: 'maint' })).toBe(CONFIG);
    expect(uncomment(out)).toBe(out);
  });

  it('comment out an argument with the default tag', () => {
    const out = commentOut(CONFIG, 'acl.enabled');
    expect(out).toContain('  # hashinode:edit enabled        = true\n');
    expect(uncomment(out)).toBe(CONFIG);
  });

  it.each([
    ['missing', {}, 'no such argument or block'],
    ['acl', { tag: 'Bad-Tag' }, 'marker tag'],
  ])('%s is HN_E_HCL_EDIT', (path, opts, reason) => {
    expect(() => commentOut(CONFIG, path, opts)).toThrow(expect.objectContaining({ code: 'HN_E_HCL_EDIT', message: expect.stringContaining(reason) }));
  });
});
