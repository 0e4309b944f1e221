import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Clock, Log } from '../core/deps.ts';
import { HashinodeError } from '../core/errors.ts';
import {
  claimFileName,
  createExclusive,
  currentHolder,
  currentTerm,
  electionDir,
  LEASE_NAME,
  type LeaseRecord,
  type LeaseSnapshot,
  readSnapshot,
  serializeLease,
  writeLease,
} from './lease-file.ts';
import { type Observation, observe } from './lease-judge.ts';
import { sharedUnavailable } from './shared-dir.ts';

/*
 * The first-server lease: who may create the cluster's CA, gossip keys and ACL bootstrap token.
 *
 * Files, in `<shared>/hashinode/<cluster>/election/`:
 *   first-server          {holder, ip, term, heartbeat, leaseMs, since[, released]}
 *   first-server.term-N   the claim of term N (N >= 2), {holder, ip, term, since}
 *
 * Protocol
 * 1. Term 1: open('first-server', 'wx'). O_EXCL create is atomic on the NFSv4 server (EFS), so of
 *    N simultaneous contenders exactly one succeeds; the rest get EEXIST and become followers.
 * 2. The holder renews every leaseMs/3: it re-reads the lease and the claims (open()+read and
 *    readdir, never a cached stat), stops if a claim above its term exists, and otherwise writes
 *    heartbeat+1 by temp + fsync + rename.
 * 3. A follower polls every leaseMs/6 and keeps (term, lease bytes) with the monotonic time it
 *    first saw them. When they have not changed for a whole lease on its own monotonic clock, the
 *    holder is dead (a corrupt or missing lease file is just bytes that never change, so it dies
 *    the same way and is logged). The follower then claims term N+1 with open('first-server.term-
 *    <N+1>', 'wx'): again exactly one contender wins each term. The winner writes the lease with
 *    term N+1, re-reads to check that no higher claim exists, and only then acts as leader.
 * 4. Clean release (SIGTERM) rewrites the lease with `released: true`; followers take over at
 *    their next poll instead of waiting a lease.
 *
 * Why it is safe
 * - One winner per term: terms are only won through O_EXCL creates, each of a distinct name.
 * - The claim files, not the lease file, are the authority on the term. A holder frozen between
 *   its check and its rename can overwrite the lease once with an old term, but that write carries
 *   no authority: every reader computes the term as max(claims), sees the stale record as "the new
 *   holder has not written yet", and the stale holder steps down at its next check. So a renewal
 *   never resurrects a lease already taken over.
 * - A holder also judges itself on its own monotonic clock: when more than a lease has passed
 *   since its last successful renewal (SIGSTOP, a stalled event loop, a hung NFS call), it steps
 *   down WITHOUT writing, because followers may already have judged it dead. Immediately before a
 *   rename it re-checks that the check itself was recent. `assertCurrent()` does the same check on
 *   demand; callers run it right before each action that commits cluster state.
 * - Wall-clock time never enters a decision (`since` is informational): NTP steps and VM resumes
 *   change nothing. Liveness is content change timed on the observer's monotonic clock, so neither
 *   NFS attribute caching nor clock skew between nodes matters; only clock RATES must roughly agree.
 *
 * Limits (the fencing is advisory)
 * - The term protects OUR writes: a holder checks it before committing. The storage does not check
 *   it, so a holder that passes assertCurrent() and then freezes before its commit lands can still
 *   commit after a successor did. Commits that must happen once should therefore themselves be
 *   exclusive (SharedStore.publish with `exclusive: true` links the file into place, failing when
 *   it exists) or idempotent (Consul's ACL bootstrap answers 403 the second time).
 * - An NFS client partitioned from the server looks dead to everyone else; its in-flight writes
 *   may still reach the server when the partition heals (hard mounts retry for ever). Those writes
 *   are what the advisory fence cannot stop; the holder itself stops acting once a lease passes
 *   without a renewal it could confirm.
 * - Negative lookup caching on the client could hide a brand-new claim file for a moment; the
 *   holder also reads the lease content (new holders write it right after claiming), and its own
 *   lease-expiry rule bounds how long it can act on a stale view.
 * - CLOCK_MONOTONIC stops while a VM is suspended: a holder suspended longer than a lease only
 *   notices through the term check, not through its own clock.
 * - Claim files are never deleted (one small file per takeover), so no term number is reused.
 */

export interface LeaseStatus {
  leader: boolean;
  /** Instance id holding the current term, or null while a new holder has not written yet. */
  holder: string | null;
  term: number;
}

export interface LeaseOptions {
  /** `<shared>/hashinode/<cluster>`: the same directory SharedStore uses. */
  clusterDir: string;
  /** This node's instance id. */
  holder: string;
  ip?: string;
  /** Default 15 s. */
  leaseMs?: number;
  /**
   * Keep watching after the first decision and take over when the holder dies (default true).
   * False: a follower stops once the holder proved alive (`elect --once`), a leader that loses stops.
   */
  contend?: boolean;
  /** Follower poll interval (default leaseMs/6). */
  pollMs?: number;
  onChange?: (status: LeaseStatus) => void;
}

export interface LeaseDeps {
  clock: Clock;
  log: Log;
}

export const DEFAULT_LEASE_MS = 15_000;

export class Lease {
  readonly id: string;
  readonly dir: string;
  readonly leaseMs: number;
  readonly heartbeatMs: number;
  readonly pollMs: number;
  private readonly opts: LeaseOptions;
  private readonly clock: Clock;
  private readonly log: Log;
  private state: LeaseStatus = { leader: false, holder: null, term: 0 };
  private record: LeaseRecord | null = null;
  /** Monotonic time of the start of the last check that confirmed our term and was followed by a write. */
  private lastRenewed = 0;
  private observation: Observation | null = null;
  private stopper = new AbortController();
  private loop: Promise<void> | null = null;
  private settledResolve!: (s: LeaseStatus) => void;
  private readonly settledPromise: Promise<LeaseStatus>;
  private loggedCorrupt: string | null = null;
  private readonly listeners = new Set<(status: LeaseStatus) => void>();
  /** Set once this node stepped down (a non-contending handle then stops). */
  private lostOnce = false;

  constructor(opts: LeaseOptions, deps: LeaseDeps) {
    this.opts = opts;
    this.id = opts.holder;
    this.dir = electionDir(opts.clusterDir);
    this.leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
    this.heartbeatMs = Math.max(1, Math.floor(this.leaseMs / 3));
    this.pollMs = opts.pollMs ?? Math.max(1, Math.floor(this.leaseMs / 6));
    this.clock = deps.clock;
    this.log = deps.log.child({ lease: path.join(this.dir, LEASE_NAME) });
    this.settledPromise = new Promise((resolve) => (this.settledResolve = resolve));
  }

  get isLeader(): boolean {
    return this.state.leader;
  }
  /** The current term (ours when leader). */
  get term(): number {
    return this.state.term;
  }
  /** Who holds the lease (this node's id when leader). */
  get holder(): string | null {
    return this.state.holder;
  }
  get status(): LeaseStatus {
    return { ...this.state };
  }

  /** Calls `listener` at every change of leader/holder/term; returns the unsubscribe function. */
  subscribe(listener: (status: LeaseStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when this node holds the lease (at once if it does); rejects when `signal` aborts. */
  whenLeader(signal?: AbortSignal): Promise<LeaseStatus> {
    if (this.state.leader) return Promise.resolve(this.status);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        off();
        reject(signal?.reason);
      };
      const off = this.subscribe((s) => {
        if (!s.leader) return;
        off();
        signal?.removeEventListener('abort', onAbort);
        resolve(s);
      });
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Resolves once the first decision is made: leader, or a holder that proved alive. */
  settled(): Promise<LeaseStatus> {
    return this.settledPromise;
  }

  /**
   * Throws HN_E_LEASE_LOST unless this node still holds the current term, checked against the
   * files right now (open + read, readdir). Call it immediately before committing cluster state.
   */
  async assertCurrent(): Promise<void> {
    if (!this.state.leader || !this.record) {
      throw new HashinodeError('HN_E_LEASE_LOST', `${this.id} does not hold the first-server lease in ${this.dir} (holder ${this.state.holder ?? 'unknown'}, term ${this.state.term})`);
    }
    const start = this.clock.monotonic();
    const snap = await this.read('checking the lease');
    const lost = this.lostReason(snap, start);
    if (lost) {
      this.stepDown(lost, snap);
      throw new HashinodeError('HN_E_LEASE_LOST', `${this.id} lost the first-server lease in ${this.dir}: ${lost}`, {
        details: { term: this.record.term, currentTerm: currentTerm(snap) },
      });
    }
  }

  /** Stops, and when leader marks the lease released so a follower takes over at its next poll. */
  async release(): Promise<void> {
    await this.stop();
    if (!this.state.leader || !this.record) return;
    const mine = this.record;
    this.setState({ leader: false, holder: mine.holder, term: mine.term });
    try {
      const snap = await readSnapshot(this.dir);
      if (currentTerm(snap) !== mine.term) return; // already taken over: nothing of ours to release
      await writeLease(this.dir, { ...mine, heartbeat: mine.heartbeat + 1, released: true });
      this.log.info({ term: mine.term }, 'released the first-server lease');
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'could not mark the lease released; followers take over after the lease expires');
    }
  }

  /** Stops renewing and watching without touching the files (the lease expires on its own). */
  async detach(): Promise<void> {
    await this.stop();
  }

  /** First attempt; then the background loop (renew as leader, watch as follower). */
  async start(): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true });
    } catch (err) {
      throw sharedUnavailable(this.opts.clusterDir, err, `creating ${this.dir}`);
    }
    await this.watchOnce();
    this.loop = this.run();
  }

  private async stop(): Promise<void> {
    this.stopper.abort();
    await this.loop;
    this.settledResolve(this.status);
  }

  private async run(): Promise<void> {
    const signal = this.stopper.signal;
    while (!signal.aborted) {
      if (!this.state.leader && this.opts.contend === false && this.observation?.moved) return;
      try {
        await this.clock.sleep(this.state.leader ? this.heartbeatMs : this.pollMs, signal);
      } catch {
        return;
      }
      try {
        if (this.state.leader) await this.renew();
        else await this.watchOnce();
      } catch (err) {
        // Transient NFS trouble must not kill the loop: the expiry rule keeps a holder honest.
        this.log.warn({ err: (err as Error).message }, 'lease step failed; retrying');
      }
      if (!this.state.leader && this.opts.contend === false && this.lostOnce) return;
    }
  }

  private async read(action: string): Promise<LeaseSnapshot> {
    try {
      return await readSnapshot(this.dir);
    } catch (err) {
      throw sharedUnavailable(this.opts.clusterDir, err, action);
    }
  }

  /** Why our term is no longer ours, or null. `checkStart` is when the check began. */
  private lostReason(snap: LeaseSnapshot, checkStart: number): string | null {
    const mine = this.record;
    if (!mine) return 'no term held';
    const term = currentTerm(snap);
    if (term > mine.term) return `term moved on to ${term} (holder ${currentHolder(snap) ?? 'not yet written'})`;
    if (snap.record && snap.record.term === mine.term && snap.record.holder !== mine.holder) {
      return `term ${mine.term} is held by ${snap.record.holder}`;
    }
    const silent = checkStart - this.lastRenewed;
    if (silent > this.leaseMs) return `no renewal for ${Math.round(silent)} ms (more than the ${this.leaseMs} ms lease): followers may have taken over`;
    return null;
  }

  private async renew(): Promise<void> {
    const mine = this.record!;
    const start = this.clock.monotonic();
    let snap: LeaseSnapshot;
    try {
      snap = await readSnapshot(this.dir);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'cannot read the lease to renew it');
      if (this.clock.monotonic() - this.lastRenewed > this.leaseMs) this.stepDown('could not renew within the lease', null);
      return;
    }
    const lost = this.lostReason(snap, start);
    if (lost) {
      this.stepDown(lost, snap);
      return;
    }
    // Frozen between the check and here? Past the lease, followers may already have taken over:
    // step down without writing. Merely slow: the check is stale, so check again instead of writing.
    const now = this.clock.monotonic();
    if (now - this.lastRenewed > this.leaseMs) {
      this.stepDown(`no renewal for ${Math.round(now - this.lastRenewed)} ms (more than the ${this.leaseMs} ms lease)`, null);
      return;
    }
    if (now - start > this.leaseMs / 2) return;
    const next: LeaseRecord = { ...mine, heartbeat: mine.heartbeat + 1 };
    try {
      await writeLease(this.dir, next);
      this.record = next;
      this.lastRenewed = start;
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'cannot write the lease heartbeat');
      if (this.clock.monotonic() - this.lastRenewed > this.leaseMs) this.stepDown('could not renew within the lease', null);
    }
  }

  private stepDown(reason: string, snap: LeaseSnapshot | null): void {
    if (!this.state.leader) return;
    this.log.warn({ term: this.record?.term, reason }, 'stepping down from the first-server lease');
    this.lostOnce = true;
    this.observation = null;
    this.setState({
      leader: false,
      holder: snap ? currentHolder(snap) : this.state.holder,
      term: snap ? currentTerm(snap) : this.state.term,
    });
  }

  private async watchOnce(): Promise<void> {
    const snap = await this.read('reading the lease');
    const now = this.clock.monotonic();
    const { observation, verdict } = observe(this.observation, snap, now, this.leaseMs);
    this.observation = observation;
    if (snap.corrupt && snap.raw !== this.loggedCorrupt && verdict.kind === 'dead') {
      this.loggedCorrupt = snap.raw;
      this.log.warn({ problem: snap.corrupt, bytes: snap.raw.length }, 'lease file is corrupt; treating its holder as dead');
    }
    switch (verdict.kind) {
      case 'vacant':
        await this.claim(1);
        return;
      case 'released':
        this.log.info({ term: verdict.term }, 'lease was released; taking over');
        await this.claim(verdict.term + 1);
        return;
      case 'dead':
        this.log.warn({ term: verdict.term, reason: verdict.reason }, 'lease holder is dead; taking over');
        await this.claim(verdict.term + 1);
        return;
      case 'alive':
        this.setState({ leader: false, holder: currentHolder(snap), term: verdict.term });
        this.settledResolve(this.status);
        return;
      case 'waiting':
        this.setState({ leader: false, holder: currentHolder(snap), term: verdict.term });
        return;
    }
  }

  private async claim(term: number): Promise<void> {
    const since = new Date(this.clock.now()).toISOString();
    const record: LeaseRecord = { holder: this.id, ip: this.opts.ip ?? '', term, heartbeat: 0, leaseMs: this.leaseMs, since };
    const start = this.clock.monotonic();
    try {
      if (term === 1) {
        if (!(await createExclusive(path.join(this.dir, LEASE_NAME), serializeLease(record)))) return;
      } else {
        const claim = `${JSON.stringify({ holder: this.id, ip: record.ip, term, since })}\n`;
        if (!(await createExclusive(path.join(this.dir, claimFileName(term)), claim))) return;
        await writeLease(this.dir, record);
      }
    } catch (err) {
      throw sharedUnavailable(this.opts.clusterDir, err, `claiming term ${term}`);
    }
    this.record = record;
    this.lastRenewed = start;
    // A contender that slept through other takeovers may have won an old term: it must see that
    // a higher claim exists before it acts.
    const snap = await this.read('confirming the claim');
    if (currentTerm(snap) > term) {
      this.log.warn({ term, currentTerm: currentTerm(snap) }, 'won a claim that was already overtaken');
      this.record = null;
      this.setState({ leader: false, holder: currentHolder(snap), term: currentTerm(snap) });
      return;
    }
    this.log.info({ term }, 'holding the first-server lease');
    this.setState({ leader: true, holder: this.id, term });
    this.settledResolve(this.status);
  }

  private setState(next: LeaseStatus): void {
    const prev = this.state;
    this.state = next;
    if (prev.leader === next.leader && prev.holder === next.holder && prev.term === next.term) return;
    this.opts.onChange?.({ ...next });
    for (const l of [...this.listeners]) l({ ...next });
  }
}

/**
 * Makes the first attempt at the first-server lease and returns the handle, which keeps renewing
 * (leader) or watching and taking over (follower) in the background until release() or detach().
 */
export async function acquireLease(opts: LeaseOptions, deps: LeaseDeps): Promise<Lease> {
  const lease = new Lease(opts, deps);
  await lease.start();
  return lease;
}
