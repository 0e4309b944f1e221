import { currentTerm, type LeaseSnapshot } from './lease-file.ts';

// The pure half of the election: given what the files said and when (on this node's monotonic
// clock), is the holder alive? A holder is alive while the bytes of its lease (or the set of claims)
// keep changing; it is dead when they have not changed for a whole lease on OUR clock. No remote
// mtime and no wall clock enters the decision, so attribute caches and clock jumps cannot fool it.

export interface Observation {
  /** Current term + lease bytes: what must change for the holder to count as alive. */
  key: string;
  /** Monotonic ms when this key was first seen. */
  since: number;
  /** True once a change was seen while watching (the holder proved it is alive). */
  moved: boolean;
}

export type Verdict =
  /** No lease and no claim: the first contender may create term 1. */
  | { kind: 'vacant' }
  /** The holder released the lease: take over now. */
  | { kind: 'released'; term: number }
  /** The key did not change for a whole lease: take over term + 1. */
  | { kind: 'dead'; term: number; reason: string }
  /** The holder proved alive (its heartbeat moved while we watched). */
  | { kind: 'alive'; term: number }
  /** Not enough watching yet to tell. */
  | { kind: 'waiting'; term: number };

/** Upper bound on a lease length read from a file, so garbage cannot stall a takeover for ever. */
export const MAX_LEASE_MS = 10 * 60_000;

export function judgeLeaseMs(snap: LeaseSnapshot, ownLeaseMs: number): number {
  const declared = snap.record && snap.record.term === currentTerm(snap) ? snap.record.leaseMs : 0;
  // The longer of ours and the holder's: judging by a shorter lease than the holder renews on
  // would declare a healthy holder dead.
  return Math.max(ownLeaseMs, Math.min(declared, MAX_LEASE_MS));
}

export function observe(
  prev: Observation | null,
  snap: LeaseSnapshot,
  now: number,
  ownLeaseMs: number,
): { observation: Observation; verdict: Verdict } {
  const term = currentTerm(snap);
  const key = `${term}\n${snap.raw}`;
  const changed = prev === null || prev.key !== key;
  const observation: Observation = changed ? { key, since: now, moved: prev !== null } : prev;
  if (!snap.exists && snap.maxClaim === 0) return { observation, verdict: { kind: 'vacant' } };
  if (snap.record?.released && snap.record.term === term) return { observation, verdict: { kind: 'released', term } };
  const leaseMs = judgeLeaseMs(snap, ownLeaseMs);
  if (!changed && now - observation.since >= leaseMs) {
    const age = Math.round(now - observation.since);
    const reason = !snap.exists
      ? `lease file missing while term ${term} was claimed, for ${age} ms`
      : snap.corrupt
        ? `lease file corrupt (${snap.corrupt}) and unchanged for ${age} ms`
        : snap.record && snap.record.term < term
          ? `holder of claimed term ${term} wrote no lease for ${age} ms`
          : `heartbeat ${snap.record?.heartbeat} of ${snap.record?.holder} did not move for ${age} ms`;
    return { observation, verdict: { kind: 'dead', term, reason } };
  }
  return { observation, verdict: observation.moved ? { kind: 'alive', term } : { kind: 'waiting', term } };
}
