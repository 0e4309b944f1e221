import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isHashinodeError } from '../../../agent/core/errors.ts';
import { parseEnvFile, readEnvFile } from '../../../agent/node/env-file.ts';
import { ENV_KEYS } from '../../../agent/node/spec.ts';
import { tempDir } from '../../helpers/tmp.ts';

const FILE = '/etc/hashinode/hashinode.env';
const parse = (text: string) => parseEnvFile(text, FILE, ENV_KEYS);
const value = (text: string) => parse(`HASHINODE_CLUSTER=${text}`).entries.get('HASHINODE_CLUSTER')?.value;

function errorsOf(text: string): string[] {
  try {
    parse(text);
  } catch (err) {
    if (isHashinodeError(err, 'HN_E_ENV_FILE')) return (err.details?.errors as string[]) ?? [];
    throw err;
  }
  return [];
}

describe('env file syntax', () => {
  it.each([
    ['demo', 'demo'],
    ['  demo  ', 'demo'],
    ['"demo"', 'demo'],
    ["'demo'", 'demo'],
    ['"a # b"', 'a # b'],
    ['demo # trailing comment', 'demo'],
    ['"demo" # comment after quotes', 'demo'],
    ['a#b', 'a#b'],
    ['"say \\"hi\\" \\\\ \\n"', 'say "hi" \\ \n'],
    ["'lit\\n $x'", 'lit\\n $x'],
    ['', ''],
    ['a=b=c', 'a=b=c'],
    ['"Zürich ✓"', 'Zürich ✓'],
  ])('HASHINODE_CLUSTER=%s reads as %j', (raw, expected) => {
    expect(value(raw)).toBe(expected);
  });

  it('skips comments and blank lines, accepts `export `, CRLF and a BOM, and records line numbers', () => {
    const env = parse('\uFEFF# seed\r\n\r\nexport HASHINODE_CLUSTER=demo\r\n   # indented comment\nHASHINODE_ROLES=nomad-client\n');
    expect([...env.entries]).toEqual([
      ['HASHINODE_CLUSTER', { value: 'demo', line: 3 }],
      ['HASHINODE_ROLES', { value: 'nomad-client', line: 5 }],
    ]);
    expect(env.warnings).toEqual([]);
  });

  it('reports every kind of mistake at once, each with file:line', () => {
    const text = [
      'HASHINODE_CLUSTER=demo', // 1 ok
      'just some words', // 2 not an assignment
      'HASHINODE_CLUSTER=again', // 3 duplicate
      'BAD-KEY=x', // 4 invalid key
      'HASHINODE_DATACENTER="dc1', // 5 unterminated double quote
      "HASHINODE_NOMAD_REGION='eu", // 6 unterminated single quote
      'HASHINODE_EFS="fs-12345678" trailing', // 7 text after quote
      'HASHINODE_ROLES =x', // 8 space before =
    ].join('\n');
    const errors = errorsOf(text);
    expect(errors).toEqual([
      `${FILE}:2: not a KEY=VALUE assignment: "just some words"`,
      `${FILE}:3: duplicate key HASHINODE_CLUSTER (first set on line 1)`,
      `${FILE}:4: "BAD-KEY" is not a valid key (letters, digits, _; no spaces before =)`,
      `${FILE}:5: HASHINODE_DATACENTER: unterminated double quote`,
      `${FILE}:6: HASHINODE_NOMAD_REGION: unterminated single quote`,
      `${FILE}:7: HASHINODE_EFS: unexpected text after the closing ": "trailing"`,
      `${FILE}:8: "HASHINODE_ROLES " is not a valid key (letters, digits, _; no spaces before =)`,
    ]);
    const err = (() => {
      try {
        parse(text);
      } catch (e) {
        return e as Error & { code: string; exitCode: number };
      }
    })();
    expect(err).toMatchObject({ code: 'HN_E_ENV_FILE', exitCode: 10 });
    expect(err?.message).toContain(`${FILE} has 7 errors:`);
  });

  it('warns about an unknown key with the nearest known key, and ignores it', () => {
    const env = parse('HASHINODE_CLUSTR=demo\nHASHINODE_CONSUL_SERVER=3\nSOMETHING_ELSE=1\n');
    expect(env.warnings).toEqual([
      `${FILE}:1: unknown key HASHINODE_CLUSTR (did you mean HASHINODE_CLUSTER?); it is ignored`,
      `${FILE}:2: unknown key HASHINODE_CONSUL_SERVER (did you mean HASHINODE_CONSUL_SERVERS?); it is ignored`,
      `${FILE}:3: unknown key SOMETHING_ELSE; it is ignored`,
    ]);
  });
});

describe('reading the env file', () => {
  it('treats an absent file as empty', async () => {
    const dir = await tempDir();
    const env = await readEnvFile(path.join(dir, 'none.env'), ENV_KEYS);
    expect(env.entries.size).toBe(0);
  });

  it('reports an unreadable path with HN_E_FILE_READ naming it', async () => {
    const dir = await tempDir();
    const p = path.join(dir, 'a-dir.env');
    await mkdir(p);
    await expect(readEnvFile(p, ENV_KEYS)).rejects.toMatchObject({ code: 'HN_E_FILE_READ', message: expect.stringContaining(p) });
  });

  it('reads a file from disk', async () => {
    const dir = await tempDir();
    const p = path.join(dir, 'hashinode.env');
    await writeFile(p, 'HASHINODE_CLUSTER=demo\n');
    expect((await readEnvFile(p, ENV_KEYS)).entries.get('HASHINODE_CLUSTER')).toEqual({ value: 'demo', line: 1 });
  });
});
