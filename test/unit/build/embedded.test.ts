import { describe, expect, it } from 'vitest';
import { embeddedFiles, filesUnder } from '../../../agent/core/embedded.ts';

const FILES = {
  'config-templates/consul/server.hcl': 'a',
  'config-templates/nomad/nomad.hcl': 'b',
  'config-templates/resolv.conf': 'c',
  'systemd/hashinode.service': 'd',
  'systemd-extra/x': 'e',
};

describe('embedded files', () => {
  it('are undefined when running from the sources (callers read the repository)', () => {
    expect(embeddedFiles('config-templates')).toBeUndefined();
  });

  it.each([
    ['config-templates', { 'consul/server.hcl': 'a', 'nomad/nomad.hcl': 'b', 'resolv.conf': 'c' }],
    ['config-templates/', { 'consul/server.hcl': 'a', 'nomad/nomad.hcl': 'b', 'resolv.conf': 'c' }],
    ['./config-templates/consul', { 'server.hcl': 'a' }],
    ['systemd', { 'hashinode.service': 'd' }],
    ['vault', {}],
  ])('under %j are keyed relative to it', (prefix, expected) => {
    expect(filesUnder(FILES, prefix)).toEqual(expected);
  });

  it('an empty prefix returns every file', () => {
    expect(filesUnder(FILES, '')).toEqual(FILES);
  });
});
