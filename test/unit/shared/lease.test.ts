import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isHashinodeError } from '../../../agent/core/errors.ts';
import { claimFileName, electionDir, LEASE_NAME, type LeaseRecord, writeLease } from '../../../agent/shared/lease-file.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { captureLog, contender, ManualClock, quiesce, run } from './lease-helpers.ts';

const readLease = async (dir: string) => JSON.parse(await readFile(path.join(electionDir(dir), LEASE_NAME), 'utf8')) as LeaseRecord;

describe('first-server lease (in process, manual clock, real directory)', () => {
  it('the first contender gets term 1; a second is a follower that sees the holder alive', async () => {
    const dir = await tempDir();
    const clock = new ManualClock();
    const a = await contender(dir, 'i-a', clock);
    const b = await contender(dir, 'i-b', clock);
    expect(a.status).toEqual({ leader: true, holder: 'i-a', term: 1 });
    expect(b.status).toEqual({ leader: false, holder: 'i-a', term: 1 });
    await quiesce(clock, 2);
    await run(clock, 300, 2);
    expect(await b.settled()).toEqual({ leader: false, holder: 'i-a', term: 1 });
    // many leases later, the live holder still holds it
    await run(clock, 6000, 2);
    expect(a.isLeader).toBe(true);
    expect(b.isLeader).toBe(false);
    expect((await readLease(dir)).heartbeat).toBeGreaterThanOrEqual(25);
    await a.assertCurrent();
    await Promise.all([a.detach(), b.detach()]);
  });

  it('when the holder stops renewing, the follower takes over term 2 after a lease, through a claim file', async () => {
    const dir = await tempDir();
    const clock = new ManualClock();
    const a = await contender(dir, 'i-a', clock);
    const changes: unknown[] = [];
    const b = await contender(dir, 'i-b', clock, { onChange: (s) => changes.push(s) });
    await quiesce(clock, 2);
    await a.detach(); // dies without a word
    await run(clock, 500, 1);
    expect(b.isLeader).toBe(false);
    await run(clock, 400, 1);
    expect(b.status).toEqual({ leader: true, holder: 'i-b', term: 2 });
    expect(changes.at(-1)).toEqual({ leader: true, holder: 'i-b', term: 2 });
    expect(JSON.parse(await readFile(path.join(electionDir(dir), claimFileName(2)), 'utf8'))).toMatchObject({ holder: 'i-b', term: 2 });
    expect(await readLease(dir)).toMatchObject({ holder: 'i-b', term: 2 });
    await b.detach();
  });

  it('wall-clock jumps change nothing: no takeover from a live holder, none before a monotonic lease', async () => {
    const dir = await tempDir();
    const clock = new ManualClock();
    const a = await contender(dir, 'i-a', clock);
    const b = await contender(dir, 'i-b', clock);
    await quiesce(clock, 2);
    for (const jump of [3_600_000, -86_400_000, 365 * 86_400_000]) {
      clock.jumpWall(jump);
      await run(clock, 400, 2);
    }
    expect(a.isLeader).toBe(true);
    expect(b.status).toEqual({ leader: false, holder: 'i-a', term: 1 });
    await a.detach();
    clock.jumpWall(10 * 365 * 86_400_000); // years ahead: still needs a lease of monotonic time
    await run(clock, 450, 1);
    expect(b.isLeader).toBe(false);
    await run(clock, 450, 1);
    expect(b.isLeader).toBe(true);
    await b.detach();
  });

  it.each([
    ['empty', ''],
    ['truncated', '{"holder":"i-a","ip":"10.0.0.1","term":1,"heart'],
    ['garbage', '\u0000\u0001binary garbage'],
    ['wrong shape', '{"hello":"world"}'],
  ])('a %s lease file is a dead holder after a lease, logged, never a crash', async (_name, content) => {
    const dir = await tempDir();
    const clock = new ManualClock();
    const { log, lines } = captureLog();
    const { mkdir } = await import('node:fs/promises');
    await mkdir(electionDir(dir), { recursive: true });
    await writeFile(path.join(electionDir(dir), LEASE_NAME), content);
    const b = await contender(dir, 'i-b', clock, {}, log);
    expect(b.status).toEqual({ leader: false, holder: null, term: 1 });
    await run(clock, 500, 1);
    expect(b.isLeader).toBe(false);
    await run(clock, 300, 1);
    expect(b.status).toEqual({ leader: true, holder: 'i-b', term: 2 });
    expect(lines().some((l) => l.level === 'warn' && String(l.msg).includes('corrupt'))).toBe(true);
    await b.detach();
  });

  it('a clean release lets a follower take over at its next poll, without waiting a lease', async () => {
    const dir = await tempDir();
    const clock = new ManualClock();
    const a = await contender(dir, 'i-a', clock);
    const b = await contender(dir, 'i-b', clock);
    await quiesce(clock, 2);
    await a.release();
    expect(await readLease(dir)).toMatchObject({ holder: 'i-a', term: 1, released: true });
    await run(clock, 150, 1);
    expect(b.status).toEqual({ leader: true, holder: 'i-b', term: 2 });
    await b.detach();
  });

  it('a frozen holder (its clock stopped) steps down on waking without writing, and assertCurrent refuses', async () => {
    const dir = await tempDir();
    const clockA = new ManualClock();
    const clockB = new ManualClock();
    const a = await contender(dir, 'i-a', clockA);
    const b = await contender(dir, 'i-b', clockB);
    await quiesce(clockA, 1);
    await quiesce(clockB, 1);
    await run(clockB, 800, 1); // A is frozen: B sees no heartbeat for a lease
    expect(b.status).toEqual({ leader: true, holder: 'i-b', term: 2 });
    const before = await readFile(path.join(electionDir(dir), LEASE_NAME), 'utf8');
    await expect(a.assertCurrent()).rejects.toSatisfy((e) => isHashinodeError(e, 'HN_E_LEASE_LOST') && /term moved on to 2/.test((e as Error).message));
    expect(a.isLeader).toBe(false);
    await run(clockA, 400, 1);
    expect(await readFile(path.join(electionDir(dir), LEASE_NAME), 'utf8')).toBe(before);
    expect(a.status).toEqual({ leader: false, holder: 'i-b', term: 2 });
    await Promise.all([a.detach(), b.detach()]);
  });

  it('a stale holder rename that lands after a takeover carries no authority', async () => {
    const dir = await tempDir();
    const clock = new ManualClock();
    const a = await contender(dir, 'i-a', clock);
    const b = await contender(dir, 'i-b', clock);
    await quiesce(clock, 2);
    await a.detach();
    await run(clock, 900, 1);
    expect(b.status).toEqual({ leader: true, holder: 'i-b', term: 2 });
    // A's late rename of a term-1 heartbeat lands over B's lease
    await writeLease(electionDir(dir), { holder: 'i-a', ip: '', term: 1, heartbeat: 99, leaseMs: 600, since: '' });
    const c = await contender(dir, 'i-c', clock);
    expect(c.status).toEqual({ leader: false, holder: 'i-b', term: 2 });
    await run(clock, 250, 2);
    expect(b.isLeader).toBe(true);
    expect(await readLease(dir)).toMatchObject({ holder: 'i-b', term: 2 });
    await run(clock, 1500, 2);
    expect(b.isLeader).toBe(true);
    expect(c.isLeader).toBe(false);
    await Promise.all([b.detach(), c.detach()]);
  });

  it('a winner of an old term that sees a higher claim does not lead', async () => {
    const dir = await tempDir();
    const clock = new ManualClock();
    const a = await contender(dir, 'i-a', clock);
    await quiesce(clock, 1);
    await writeFile(path.join(electionDir(dir), claimFileName(5)), '{"holder":"i-z","term":5}');
    await run(clock, 250, 1);
    expect(a.status).toEqual({ leader: false, holder: 'i-z', term: 5 });
    await a.detach();
  });

  it('a missing shared directory is HN_E_SHARED_UNAVAILABLE naming the path', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'not-a-dir');
    await writeFile(file, 'x');
    await expect(contender(path.join(file, 'hashinode', 'c1'), 'i-a', new ManualClock())).rejects.toSatisfy(
      (e) => isHashinodeError(e, 'HN_E_SHARED_UNAVAILABLE') && (e as Error).message.includes(file),
    );
  });
});

describe('waiting for leadership', () => {
  it('whenLeader resolves when a follower takes over; subscribe sees every change', async () => {
    const dir = await tempDir();
    const clock = new ManualClock();
    const a = await contender(dir, 'i-a', clock);
    const b = await contender(dir, 'i-b', clock);
    expect(await a.whenLeader()).toEqual({ leader: true, holder: 'i-a', term: 1 });
    const seen: boolean[] = [];
    const off = b.subscribe((s) => seen.push(s.leader));
    const becoming = b.whenLeader();
    await quiesce(clock, 2);
    await a.release();
    await run(clock, 150, 1);
    expect(await becoming).toEqual({ leader: true, holder: 'i-b', term: 2 });
    expect(seen).toEqual([true]);
    off();
    const aborted = new AbortController();
    const waiting = a.whenLeader(aborted.signal);
    aborted.abort(new Error('shutting down'));
    await expect(waiting).rejects.toThrow('shutting down');
    await b.detach();
  });
});
