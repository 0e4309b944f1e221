import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { agentChunkName, chunkName, HEAVY, mainScriptModules } from '../../../packaging/build/bundle.mjs';
import { REPO } from '../../helpers/cli.ts';

describe('which imports become on-demand chunks', () => {
  it.each([
    '@aws-sdk/client-ec2',
    '@aws-sdk/client-efs',
    '@aws-sdk/credential-providers',
    '@smithy/node-http-handler',
    '@peculiar/x509',
    'hcl2-parser',
    'chokidar',
    'node-forge',
    'node-forge/lib/pki',
    'pino',
  ])('%s is loaded on demand', (spec) => {
    expect(HEAVY.test(spec)).toBe(true);
  });

  it.each(['systemd-notify', 'pino-abstract-transport', 'chokidar-cli', 'node:fs', './x.ts'])('%s stays in the main script', (spec) => {
    expect(HEAVY.test(spec)).toBe(false);
  });

  it.each([
    ['@aws-sdk/client-ec2', 'aws-sdk-client-ec2'],
    ['@peculiar/x509', 'peculiar-x509'],
    ['hcl2-parser', 'hcl2-parser'],
    ['node-forge/lib/pki', 'node-forge-lib-pki'],
  ])('%s is stored as chunks/%s.cjs', (spec, name) => {
    expect(chunkName(spec)).toBe(name);
  });

  it.each([
    ['agent/cli/pki.ts', 'agent-cli-pki'],
    ['agent/pki/x509-lib.ts', 'agent-pki-x509-lib'],
  ])('the lazily imported module %s is stored as chunks/%s.cjs', (rel, name) => {
    expect(agentChunkName(rel)).toBe(name);
  });

  it('the main script always holds agent/core, the registry, version and main, and no other command', () => {
    const modules = mainScriptModules(REPO);
    for (const m of ['agent/core/errors.ts', 'agent/core/chunks.ts', 'agent/cli/registry.ts', 'agent/cli/version.ts', 'agent/main.ts']) {
      expect(modules).toContain(m);
    }
    expect(modules.filter((m) => m.startsWith('agent/cli/') && path.basename(m) !== 'command.ts')).toEqual([
      'agent/cli/registry.ts',
      'agent/cli/version.ts',
    ]);
  });
});
