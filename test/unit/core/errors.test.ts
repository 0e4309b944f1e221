import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, HashinodeError, terminalExitCodes, toHashinodeError } from '../../../agent/core/errors.ts';
import { REPO } from '../../helpers/cli.ts';

function readmeRows(): Map<string, number> {
  const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const rows = new Map<string, number>();
  for (const m of readme.matchAll(/^\|\s*`(HN_E_[A-Z0-9_]+)`\s*\|\s*(\d+)\s*\|/gm)) rows.set(m[1]!, Number(m[2]));
  return rows;
}

describe('error codes', () => {
  it('every code is in the README table with its exit code, and the table lists no stale code', () => {
    const rows = readmeRows();
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      expect(rows.get(code), `README row for ${code}`).toBe(info.exit);
    }
    expect([...rows.keys()].sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it('codes are stable identifiers and exit codes avoid 0, 1, 3 and signal range', () => {
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^HN_E_[A-Z0-9_]+$/);
      expect(info.exit).toBeGreaterThanOrEqual(2);
      expect(info.exit).not.toBe(3); // 3 means "follower" for `elect --once`
      expect(info.exit).toBeLessThan(126);
    }
  });

  it('an error keeps code, exit code, cause and details', () => {
    const cause = new Error('EACCES');
    const err = new HashinodeError('HN_E_FILE_WRITE', 'cannot write /etc/consul.d/consul.hcl', { cause, details: { path: 'x' } });
    expect(err.code).toBe('HN_E_FILE_WRITE');
    expect(err.exitCode).toBe(17);
    expect(err.cause).toBe(cause);
    expect(err.toJSON()).toEqual({ code: 'HN_E_FILE_WRITE', message: 'cannot write /etc/consul.d/consul.hcl', details: { path: 'x' } });
  });

  it('wraps foreign errors without losing an existing code', () => {
    const own = new HashinodeError('HN_E_TEMPLATE', 'x');
    expect(toHashinodeError(own)).toBe(own);
    const wrapped = toHashinodeError(new TypeError('boom'), 'HN_E_PKI', 'creating CA');
    expect(wrapped.code).toBe('HN_E_PKI');
    expect(wrapped.message).toBe('creating CA: boom');
  });

  it('terminal exit codes are exactly those of terminal codes', () => {
    const expected = [...new Set(Object.values(ERROR_CODES).filter((i) => i.terminal).map((i) => i.exit))].sort((a, b) => a - b);
    expect(terminalExitCodes()).toEqual(expected);
    expect(terminalExitCodes()).toContain(2);
    expect(terminalExitCodes()).not.toContain(ERROR_CODES.HN_E_IMDS_UNREACHABLE.exit);
  });
});
