import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { MAIN_TS, runCli } from '../../helpers/cli.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { Worker } from './procs.ts';

const ENV = { HASHINODE_LOG_LEVEL: 'silent' };
const elect = (shared: string, id: string, ...more: string[]) =>
  runCli(['elect', '--shared-dir', shared, '--cluster', 'c1', '--instance-id', id, '--lease', '600ms', ...more], { env: ENV, timeoutMs: 30_000 });
// A live holder's lease is long enough that a loaded machine cannot starve it into looking dead.
const LIVE_LEASE = '2000';

describe('hashinode elect (real processes)', () => {
  it('--once --json: the first is leader (exit 0); with the holder gone, the next takes over term 2', async () => {
    const shared = await tempDir();
    const first = await elect(shared, 'i-1', '--once', '--json', '--ip', '10.0.0.5');
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ leader: true, holder: 'i-1', term: 1 });
    const lease = JSON.parse(await readFile(path.join(shared, 'hashinode/c1/election/first-server'), 'utf8'));
    expect(lease).toMatchObject({ holder: 'i-1', ip: '10.0.0.5', term: 1, leaseMs: 600 });
    // i-1 exited without renewing: its heartbeat does not move, so --once takes over after a lease
    const second = await elect(shared, 'i-2', '--once', '--json');
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toEqual({ leader: true, holder: 'i-2', term: 2 });
  });

  it('--once against a live holder follows and exits 3', async () => {
    const shared = await tempDir();
    const holder = new Worker(['hold', path.join(shared, 'hashinode', 'c1'), 'i-live', LIVE_LEASE]);
    try {
      await holder.waitFor((l) => l.leader === true, 30_000, 'holder leading');
      // --lease 600ms, yet it judges the holder by the holder's own 2 s lease (the longer one)
      const r = await elect(shared, 'i-2', '--once', '--json');
      expect(r.code).toBe(3);
      expect(JSON.parse(r.stdout)).toEqual({ leader: false, holder: 'i-live', term: 1 });
      const text = await elect(shared, 'i-3', '--once');
      expect(text.code).toBe(3);
      expect(text.stdout).toBe('follower holder=i-live term=1\n');
    } finally {
      holder.kill();
      await holder.exited;
    }
  });

  it('without --once: holds, prints a line at each change, and releases on SIGTERM', async () => {
    const shared = await tempDir();
    const args = (id: string) => [MAIN_TS, 'elect', '--shared-dir', shared, '--cluster', 'c1', '--instance-id', id, '--lease', '1s', '--json'];
    const startElect = (id: string) => {
      const child = spawn(process.execPath, args(id), { env: { ...process.env, ...ENV } });
      const lines: string[] = [];
      createInterface({ input: child.stdout }).on('line', (l) => lines.push(l));
      return { child, lines };
    };
    const a = startElect('i-a');
    let b: ReturnType<typeof startElect> | undefined;
    try {
      await waitFor(() => a.lines.includes('{"leader":true,"holder":"i-a","term":1}'));
      b = startElect('i-b'); // after a leads, so a is the holder b finds
      const bl = b.lines;
      await waitFor(() => bl.includes('{"leader":false,"holder":"i-a","term":1}'));
      a.child.kill('SIGTERM');
      const [code] = await once(a.child, 'close');
      expect(code).toBe(0);
      await waitFor(() => bl.includes('{"leader":true,"holder":"i-b","term":2}'));
      expect(JSON.parse(await readFile(path.join(shared, 'hashinode/c1/election/first-server.term-2'), 'utf8'))).toMatchObject({ holder: 'i-b' });
      const closed = once(b.child, 'close');
      b.child.kill('SIGTERM');
      expect((await closed)[0]).toBe(0);
    } finally {
      a.child.kill('SIGKILL');
      b?.child.kill('SIGKILL');
    }
  });

  it.each([
    [['--cluster', 'c1', '--instance-id', 'i'], '--shared-dir is required'],
    [['--shared-dir', '/tmp', '--instance-id', 'i'], '--cluster is required'],
    [['--shared-dir', '/tmp', '--cluster', 'c1', '--instance-id', 'i', '--lease', '15'], "--lease must be a duration like 500ms, 15s or 1m, got '15'"],
    [['--shared-dir', '/tmp', '--cluster', 'c1', '--instance-id', 'i', '--lease', '100ms'], '--lease must be at least 300ms'],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const { runMain } = await import('../../helpers/cli.ts');
    const r = await runMain(['elect', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});

async function waitFor(cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
