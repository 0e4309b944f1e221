import { describe, expect, it } from 'vitest';
import { HashinodeError } from '../../../agent/core/errors.ts';
import { analyzeJournal, formatBlame } from '../../../agent/phases/analyze.ts';
import type { JournalData } from '../../../agent/phases/journal.ts';
import { formatPhaseLine } from '../../../agent/phases/progress.ts';

const journal: JournalData = {
  version: 1,
  instanceId: 'i-1',
  phases: {
    identify: { status: 'done', startedAt: 'a', durationMs: 40, bootId: 'b', summary: 'i-1' },
    'consul-bootstrap': { status: 'done', startedAt: 'b', durationMs: 2600, bootId: 'b', summary: 'ACLs bootstrapped' },
    nomad: { status: 'failed', startedAt: 'c', durationMs: 900, bootId: 'b', error: { code: 'HN_E_TIMEOUT', message: 'no leader' } },
  },
  checkpoints: {},
  pendingRestart: [],
  runs: [{ startedAt: 'a', bootId: 'b', phases: [] }],
};

describe('analyze', () => {
  it('lists phases slowest first with the total', () => {
    const r = analyzeJournal(journal);
    expect(r.phases.map((p) => p.name)).toEqual(['consul-bootstrap', 'nomad', 'identify']);
    expect(r.totalMs).toBe(3540);
    const text = formatBlame(r);
    expect(text.split('\n')[0]).toBe('-- i-1: 3 phases, 3.540s in total, 1 runs --');
    expect(text).toContain('    2.600s consul-bootstrap  done     ACLs bootstrapped');
    expect(text).toContain('HN_E_TIMEOUT: no leader');
  });

  it('says so when there is no journal', () => {
    expect(formatBlame(analyzeJournal({ ...journal, instanceId: null, phases: {} }))).toContain('no journal yet');
  });
});

describe('progress line', () => {
  it.each([
    [{ phase: 'render', kind: 'end' as const, result: 'done' as const, durationMs: 1234, summary: 'wrote 4 files' }, '[ 6/12] ok render            done              1.23s  wrote 4 files'],
    [{ phase: 'vault', kind: 'end' as const, result: 'not-applicable' as const, durationMs: 0 }, '[11/12] -- vault             not-applicable    0.00s'],
  ])('%o', (event, line) => {
    const index = event.phase === 'render' ? 6 : 11;
    expect(formatPhaseLine(event, index, 12)).toBe(line);
  });

  it('a failure shows the code and message', () => {
    const line = formatPhaseLine({ phase: 'nomad', kind: 'end', result: 'failed', durationMs: 10, error: new HashinodeError('HN_E_PHASE', 'phase nomad failed') }, 10, 12);
    expect(line).toContain('!! nomad');
    expect(line).toContain('HN_E_PHASE: phase nomad failed');
  });
});
