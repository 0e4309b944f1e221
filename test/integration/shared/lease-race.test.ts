import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/tmp.ts';
import { until, Worker } from './procs.ts';

const N = 50;
const ROUNDS = 20;

describe(`${N} contender processes at once`, () => {
  const workers: Worker[] = [];
  afterAll(async () => {
    for (const w of workers) w.kill();
    await Promise.all(workers.map((w) => w.exited));
  });

  it(`exactly one leader with term 1, in each of ${ROUNDS} rounds`, async () => {
    for (let i = 0; i < N; i++) workers.push(new Worker(['race']));
    await until(() => workers.every((w) => w.lines.some((l) => l.ready)), 60_000, 'all workers ready');
    const root = await tempDir();
    for (let round = 1; round <= ROUNDS; round++) {
      const clusterDir = path.join(root, `round-${round}`, 'hashinode', 'c1');
      // one shared instant a little ahead, so every process attempts at the same moment
      const at = Date.now() + 150;
      for (const w of workers) w.child.stdin.write(`go ${clusterDir} ${at}\n`);
      await until(() => workers.every((w) => w.lines.some((l) => l.round === round)), 60_000, `round ${round}`);
      const results = workers.map((w) => w.lines.find((l) => l.round === round)!);
      const leaders = results.filter((r) => r.leader);
      expect(leaders, `round ${round}`).toHaveLength(1);
      expect(leaders[0]!.term).toBe(1);
      // nobody needed (or made) a takeover claim
      expect(await readdir(path.join(clusterDir, 'election'))).toEqual(['first-server']);
    }
  }, 120_000);
});

describe(`${N} freshly started processes`, () => {
  it('exactly one leader', async () => {
    const clusterDir = path.join(await tempDir(), 'hashinode', 'c1');
    const ws = Array.from({ length: N }, (_, i) => new Worker(['once', clusterDir, `i-${i}`, '30000']));
    try {
      await until(() => ws.every((w) => w.lines.length > 0), 90_000, 'every process decided');
      const leaders = ws.filter((w) => w.lines[0]!.leader);
      expect(leaders).toHaveLength(1);
      expect(leaders[0]!.lines[0]).toMatchObject({ term: 1 });
    } finally {
      for (const w of ws) w.child.stdin.end();
      await Promise.all(ws.map((w) => w.exited));
    }
  }, 120_000);
});
