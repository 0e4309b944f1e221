import { describe, expect, it } from 'vitest';
import { chunkName, HEAVY } from '../../../packaging/build/bundle.mjs';

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
});
