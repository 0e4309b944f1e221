import { describe, expect, it } from 'vitest';
import { currentHolder, currentTerm, type LeaseSnapshot, parseLease } from '../../../agent/shared/lease-file.ts';
import { MAX_LEASE_MS, observe } from '../../../agent/shared/lease-judge.ts';

const rec = (term: number, heartbeat: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ holder: 'i-a', ip: '10.0.0.1', term, heartbeat, leaseMs: 600, since: '2026-01-01T00:00:00Z', ...extra });

function snap(raw: string | null, maxClaim = 0, claimHolder = 'i-b'): LeaseSnapshot {
  if (raw === null) return { exists: false, raw: '', record: null, corrupt: null, maxClaim, claim: maxClaim ? { holder: claimHolder, ip: '', term: maxClaim, since: '' } : null };
  const p = parseLease(raw);
  return {
    exists: true,
    raw,
    record: 'record' in p ? p.record : null,
    corrupt: 'corrupt' in p ? p.corrupt : null,
    maxClaim,
    claim: maxClaim ? { holder: claimHolder, ip: '', term: maxClaim, since: '' } : null,
  };
}

describe('parseLease', () => {
  it.each([
    ['', 'empty'],
    ['   \n', 'empty'],
    ['{"holder":"i-a","te', 'not JSON'],
    ['garbage', 'not JSON'],
    ['[]', 'no holder'],
    ['null', 'not an object'],
    ['{"holder":"i-a","term":0,"heartbeat":1,"leaseMs":5}', 'no valid term'],
    ['{"holder":"i-a","term":1,"heartbeat":-1,"leaseMs":5}', 'no valid heartbeat'],
    ['{"holder":"i-a","term":1,"heartbeat":1}', 'no valid leaseMs'],
  ])('%j is corrupt (%s), not an exception', (raw, why) => {
    const p = parseLease(raw);
    expect('corrupt' in p && p.corrupt).toContain(why);
  });

  it('keeps every field of a valid record', () => {
    expect(parseLease(rec(3, 7, { released: true }))).toEqual({
      record: { holder: 'i-a', ip: '10.0.0.1', term: 3, heartbeat: 7, leaseMs: 600, since: '2026-01-01T00:00:00Z', released: true },
    });
  });
});

describe('currentTerm / currentHolder: claims are the authority', () => {
  it.each([
    [snap(null), 0, null],
    [snap(''), 1, null],
    [snap(rec(1, 4)), 1, 'i-a'],
    [snap(rec(1, 4), 2), 2, 'i-b'], // claimed, new holder not written yet (or a stale write landed)
    [snap(rec(2, 0, { holder: 'i-b' }), 2), 2, 'i-b'],
    [snap('garbage', 5, 'i-e'), 5, 'i-e'],
  ])('%#', (s, term, holder) => {
    expect(currentTerm(s)).toBe(term);
    expect(currentHolder(s)).toBe(holder);
  });
});

describe('observe: liveness by content change on the local monotonic clock', () => {
  it('vacant when neither lease nor claims exist', () => {
    expect(observe(null, snap(null), 0, 600).verdict).toEqual({ kind: 'vacant' });
  });

  it('waiting at first sight, alive once the heartbeat moves, dead after a whole lease unchanged', () => {
    let o = observe(null, snap(rec(1, 1)), 1000, 600);
    expect(o.verdict.kind).toBe('waiting');
    o = observe(o.observation, snap(rec(1, 1)), 1599, 600);
    expect(o.verdict.kind).toBe('waiting');
    o = observe(o.observation, snap(rec(1, 2)), 1650, 600);
    expect(o.verdict.kind).toBe('alive');
    o = observe(o.observation, snap(rec(1, 2)), 2249, 600);
    expect(o.verdict.kind).toBe('alive');
    o = observe(o.observation, snap(rec(1, 2)), 2250, 600);
    expect(o.verdict).toMatchObject({ kind: 'dead', term: 1 });
    expect(o.verdict.kind === 'dead' && o.verdict.reason).toContain('heartbeat 2 of i-a did not move');
  });

  it.each([
    ['corrupt content', snap('garbage'), 'corrupt (not JSON'],
    ['a claim with no lease written', snap(rec(1, 3), 2), 'holder of claimed term 2 wrote no lease'],
    ['a missing lease file under a claim', snap(null, 4), 'lease file missing'],
  ])('%s dies after a lease like a silent holder', (_name, s, reason) => {
    const first = observe(null, s, 0, 600);
    expect(first.verdict.kind).toBe('waiting');
    const later = observe(first.observation, s, 600, 600);
    expect(later.verdict.kind).toBe('dead');
    expect(later.verdict.kind === 'dead' && later.verdict.reason).toContain(reason);
  });

  it('a new claim counts as a sign of life (the timer restarts)', () => {
    const a = observe(null, snap(rec(1, 3)), 0, 600);
    const b = observe(a.observation, snap(rec(1, 3), 2), 590, 600);
    expect(b.verdict.kind).toBe('alive');
    expect(observe(b.observation, snap(rec(1, 3), 2), 1189, 600).verdict.kind).toBe('alive');
    expect(observe(b.observation, snap(rec(1, 3), 2), 1190, 600).verdict).toMatchObject({ kind: 'dead', term: 2 });
  });

  it('a released lease of the current term can be taken at once', () => {
    expect(observe(null, snap(rec(3, 9, { released: true }), 3), 0, 600).verdict).toEqual({ kind: 'released', term: 3 });
    // released by a holder whose term was already overtaken: not ours to take at once
    expect(observe(null, snap(rec(2, 9, { released: true }), 3), 0, 600).verdict.kind).toBe('waiting');
  });

  it("judges by the holder's longer lease, capped so garbage cannot stall a takeover", () => {
    const long = snap(JSON.stringify({ holder: 'i-a', term: 1, heartbeat: 1, leaseMs: 5000 }));
    const a = observe(null, long, 0, 600);
    expect(observe(a.observation, long, 4999, 600).verdict.kind).toBe('waiting');
    expect(observe(a.observation, long, 5000, 600).verdict.kind).toBe('dead');
    const huge = snap(JSON.stringify({ holder: 'i-a', term: 1, heartbeat: 1, leaseMs: 1e12 }));
    const h = observe(null, huge, 0, 600);
    expect(observe(h.observation, huge, MAX_LEASE_MS, 600).verdict.kind).toBe('dead');
  });
});
