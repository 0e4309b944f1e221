import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runCli } from '../../helpers/cli.ts';
import { tempDir } from '../../helpers/tmp.ts';

// `npm run bench` must print every bench's rows even when another bench file fails, and then fail.

const GOOD = `export default async () => [
  { group: 'g', name: 'fast thing', value: 30, unit: 'ms', baseline: { name: 'bare', value: 20 }, goal: 'ratio <= 2.0', met: true },
  { group: 'g', name: 'slow thing', value: 90, unit: 'ms', baseline: { name: 'bare', value: 20 }, goal: 'ratio <= 2.0', met: false },
];
`;
const BAD = `export default async () => { throw new Error('no dist/hashinode-linux-x64: run npm run build'); };\n`;

async function runner(files: Record<string, string>, args: string[] = []) {
  const dir = await tempDir();
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return runCli(args, { bin: [process.execPath, path.join(REPO, 'test/bench/run.mjs')], env: { HASHINODE_BENCH_DIR: dir }, timeoutMs: 60_000 });
}

describe('bench runner (test/bench/run.mjs)', () => {
  it('prints one table with value, baseline, ratio, goal and met', async () => {
    const r = await runner({ 'a.bench.ts': GOOD });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^group\s+name\s+value\s+baseline\s+ratio\s+goal\s+met$/m);
    expect(r.stdout).toMatch(/^g\s+fast thing\s+30\.0 ms\s+bare: 20\.0 ms\s+1\.50\s+ratio <= 2\.0\s+yes$/m);
    expect(r.stdout).toMatch(/^g\s+slow thing\s+90\.0 ms\s+bare: 20\.0 ms\s+4\.50\s+ratio <= 2\.0\s+MISS$/m);
    expect(r.stdout).toContain('1 of 1 bench files ran, 1 of 2 goals met');
  });

  it('a failing bench file is a FAILED row; the others still report; exit 1', async () => {
    const r = await runner({ 'a.bench.ts': GOOD, 'b.bench.ts': BAD });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/fast thing/);
    expect(r.stdout).toMatch(/^b\s+b\.bench\.ts\s+FAILED\s+Error: no dist\/hashinode-linux-x64: run npm run build/m);
    expect(r.stdout).toContain('1 of 2 bench files ran');
  });

  it('runs only the files named on the command line', async () => {
    const r = await runner({ 'a.bench.ts': GOOD, 'b.bench.ts': BAD }, ['a']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('FAILED');
  });
});
