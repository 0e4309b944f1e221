import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../agent/node/backoff.ts';
import { editDistance, nearest } from '../../../agent/node/suggest.ts';

describe('backoff', () => {
  it.each([
    [0, 0, 50],
    [0, 0.999, 99],
    [1, 0, 100],
    [3, 0.5, 600],
    [5, 0, 1000],
    [40, 0.999, 1999],
  ])('attempt %i with jitter %f waits %i ms (base 100, cap 2000)', (attempt, r, ms) => {
    expect(backoffDelay(attempt, { baseMs: 100, capMs: 2000, random: () => r })).toBe(ms);
  });

  it('never exceeds the cap and always pauses at least half the step', () => {
    for (let a = 0; a < 50; a++) {
      const d = backoffDelay(a, { baseMs: 100, capMs: 2000 });
      expect(d).toBeLessThanOrEqual(2000);
      expect(d).toBeGreaterThanOrEqual(Math.min(2000, 100 * 2 ** a) / 2 - 1);
    }
  });
});

describe('suggestions', () => {
  it('measures edits', () => {
    expect(editDistance('cluster', 'clustr')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it.each([
    ['HASHINODE_CLUSTR', 'HASHINODE_CLUSTER'],
    ['hashinode_cluster', 'HASHINODE_CLUSTER'],
    ['HASHINODE_NOMAD_SERVER', 'HASHINODE_NOMAD_SERVERS'],
    ['PATH', undefined],
  ])('%s -> %s', (word, expected) => {
    expect(nearest(word, ['HASHINODE_CLUSTER', 'HASHINODE_NOMAD_SERVERS', 'HASHINODE_CONSUL_SERVERS'])).toBe(expected);
  });
});
