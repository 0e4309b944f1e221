import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../agent/shared/duration.ts';
import { clusterDir } from '../../../agent/shared/shared-dir.ts';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['15s', 15_000],
    ['1.5s', 1500],
    ['1m', 60_000],
    [' 2s ', 2000],
  ])('%j is %i ms', (text, ms) => {
    expect(parseDuration(text, '--lease')).toBe(ms);
  });

  it.each(['15', '', 's', '-1s', '0s', '1h', '1 s', 'abc'])('%j is a usage error naming the flag', (text) => {
    expect(() => parseDuration(text, '--lease')).toThrow(expect.objectContaining({ code: 'HN_E_USAGE', message: expect.stringContaining(`--lease must be a duration`) }));
  });

  it.each([
    [500, '500ms'],
    [15_000, '15s'],
    [120_000, '2m'],
  ])('formats %i as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('clusterDir', () => {
  it('is <shared>/hashinode/<cluster>', () => {
    expect(clusterDir('/mnt/efs', 'prod-1')).toBe('/mnt/efs/hashinode/prod-1');
  });

  it.each(['', '../x', 'a/b', '.hidden'])('refuses the cluster name %j', (name) => {
    expect(() => clusterDir('/mnt/efs', name)).toThrow(expect.objectContaining({ code: 'HN_E_SPEC_INVALID' }));
  });
});
