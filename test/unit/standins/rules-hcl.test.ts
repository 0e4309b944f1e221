import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parseRulesHcl } from '../../fakes/standins/config/rules-hcl.ts';

// The small rules parser must read policies exactly as hcl2-parser (HCL v2) projects them.

const hcl2 = createRequire(import.meta.url)('hcl2-parser') as { parseToObject(s: string): [unknown, unknown] };

const RULES = [
  'acl = "write"\noperator = "read"\n',
  'node_prefix "" {\n  policy = "read"\n}\nnode "web-1" {\n  policy = "write"\n}\nnode "web-1" {\n  policy = "deny"\n}\n',
  '# comment\nservice_prefix "" { policy = "read" }\n// another\nagent_prefix "" {\n  policy = "read" /* inline */\n}\n',
  'namespace "default" {\n  policy = "read"\n  capabilities = ["submit-job", "read-logs"]\n}\nnode {\n  policy = "read"\n}\nagent {\n  policy = "write"\n}\n',
  'key_prefix "vault/" {\n  policy = "write"\n}\nsession_prefix "" {\n  policy = "write"\n}\n',
];

describe('ACL rules parser', () => {
  it.each(RULES)('matches hcl2-parser for %j', (text) => {
    expect(parseRulesHcl(text)).toEqual(hcl2.parseToObject(text)[0]);
  });

  it('accepts JSON rules', () => {
    expect(parseRulesHcl('{"acl": "read"}')).toEqual({ acl: 'read' });
  });

  it.each(['node "x" {\n  policy = "read"\n', 'acl = \n', 'node "x" { policy = "read" } }', 'acl = "read"\nacl = "write"\n'])('refuses %j', (text) => {
    expect(() => parseRulesHcl(text)).toThrow();
  });
});
