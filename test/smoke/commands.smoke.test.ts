import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { built, QEMU } from './executables.ts';

// A real command that needs an on-demand chunk (@peculiar/x509, compiled from the executable's
// assets) on each executable; openssl judges the result, not hashinode.

const executables: [string, () => string[]][] = [
  ['linux-x64', () => [built('hashinode-linux-x64')]],
  ['linux-arm64 (qemu)', () => [...QEMU, built('hashinode-linux-arm64')]],
];

describe.each(executables)('%s: pki ca create', (_name, bin) => {
  it('writes a P-256 CA that openssl reads', async () => {
    const out = await tempDir();
    const r = await runCli(['pki', 'ca', 'create', '--service', 'consul', '--out', out], { bin: bin(), timeoutMs: 170_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const ca = path.join(out, 'consul-agent-ca.pem');
    expect(existsSync(path.join(out, 'consul-agent-ca-key.pem'))).toBe(true);
    const text = execFileSync('openssl', ['x509', '-in', ca, '-noout', '-text'], { encoding: 'utf8' });
    expect(text).toContain('prime256v1');
    expect(text).toMatch(/CA:TRUE/);
  });
});
