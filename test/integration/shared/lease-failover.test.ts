import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/tmp.ts';
import { until, Worker } from './procs.ts';

// Real processes on a real directory. Leases are short (1.5 s) so the tests are quick, and every
// assertion is about the protocol's outcome (who leads, which term), never about how fast.
const LEASE = '1500';
const HEARTBEAT_MS = 500;
const workers: Worker[] = [];
const start = (dir: string, id: string) => {
  const w = new Worker(['hold', dir, id, LEASE]);
  workers.push(w);
  return w;
};
const leaseFile = (dir: string) => path.join(dir, 'election', 'first-server');

/** Resolves right after the lease file's bytes change (a heartbeat was just written). */
async function nextWrite(dir: string): Promise<void> {
  const first = await readFile(leaseFile(dir), 'utf8');
  const end = Date.now() + 30_000;
  while ((await readFile(leaseFile(dir), 'utf8')) === first) {
    if (Date.now() > end) throw new Error('no heartbeat written within 30 s');
    await new Promise((r) => setTimeout(r, 2));
  }
}

afterEach(async () => {
  for (const w of workers.splice(0)) {
    w.kill('SIGCONT');
    w.kill();
    await w.exited;
  }
});

describe('failover between real processes', () => {
  it('kill -9 of the holder: exactly one new leader, with term 2', async () => {
    const dir = path.join(await tempDir(), 'hashinode', 'c1');
    const a = start(dir, 'i-a');
    await a.waitFor((l) => l.leader === true, 30_000, 'a leading');
    const b = start(dir, 'i-b');
    const c = start(dir, 'i-c');
    await Promise.all([b, c].map((w) => w.waitFor((l) => l.holder === 'i-a' && l.leader === false, 30_000, 'following a')));
    a.kill('SIGKILL');
    await a.exited;
    await until(() => [b, c].some((w) => w.last?.leader === true), 30_000, 'a new leader');
    const winner = b.last?.leader ? b : c;
    const loser = winner === b ? c : b;
    await loser.waitFor((l) => l.holder === (winner === b ? 'i-b' : 'i-c'), 30_000, 'the other following the winner');
    expect(winner.last).toMatchObject({ leader: true, term: 2 });
    expect(loser.lines.some((l) => l.leader)).toBe(false);
    expect(JSON.parse(await readFile(leaseFile(dir), 'utf8'))).toMatchObject({ term: 2, holder: winner === b ? 'i-b' : 'i-c' });
  }, 60_000);

  it('SIGSTOP the holder past its lease: another takes over; after SIGCONT the old holder steps down without writing', async () => {
    const dir = path.join(await tempDir(), 'hashinode', 'c1');
    const a = start(dir, 'i-a');
    await a.waitFor((l) => l.leader === true, 30_000, 'a leading');
    const b = start(dir, 'i-b');
    await b.waitFor((l) => l.holder === 'i-a', 30_000, 'b following a');
    // Stop a just after a heartbeat landed, i.e. while it sleeps: a stop in the middle of a rename
    // would let that one rename complete on SIGCONT (harmless, see lease.ts, but not this test's point).
    await nextWrite(dir);
    a.kill('SIGSTOP');
    await b.waitFor((l) => l.leader === true, 30_000, 'b taking over');
    expect(b.last).toMatchObject({ leader: true, holder: 'i-b', term: 2 });
    // Freeze the new holder too, so any write to the lease from now on could only come from a.
    await nextWrite(dir);
    b.kill('SIGSTOP');
    const before = await readFile(leaseFile(dir), 'utf8');
    a.kill('SIGCONT');
    await a.waitFor((l) => l.leader === false, 30_000, 'a stepping down');
    expect(a.last).toMatchObject({ leader: false, term: 2 });
    // More than one of a's heartbeat intervals, less than the lease a would wait before taking over
    // from the frozen b.
    await new Promise((r) => setTimeout(r, 1.2 * HEARTBEAT_MS));
    expect(await readFile(leaseFile(dir), 'utf8')).toBe(before);
    b.kill('SIGCONT');
  }, 60_000);

  it('SIGTERM releases the lease: the follower takes over without waiting for it to expire', async () => {
    const dir = path.join(await tempDir(), 'hashinode', 'c1');
    const a = start(dir, 'i-a');
    await a.waitFor((l) => l.leader === true, 30_000, 'a leading');
    const b = start(dir, 'i-b');
    await b.waitFor((l) => l.holder === 'i-a', 30_000, 'b following a');
    a.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    await b.waitFor((l) => l.leader === true, 30_000, 'b taking over');
    expect(b.last).toMatchObject({ leader: true, holder: 'i-b', term: 2 });
    const claim = JSON.parse(await readFile(path.join(dir, 'election', 'first-server.term-2'), 'utf8'));
    expect(claim).toMatchObject({ holder: 'i-b', term: 2 });
  }, 60_000);
});
