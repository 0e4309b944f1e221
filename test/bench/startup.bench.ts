import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cachedBinaryPath, readPins } from '../../packaging/build/node-binaries.mjs';
import { type Bench, type BenchRow, median } from './harness.ts';

// What a boot and every `hashinode status` pay: the single executable's cold start against the
// bare Node it is made from (same version, same binary), its memory, and the sizes that drive them.
// Needs `npm run build` first. Cold start is timed by hyperfine when installed (-N: no shell in
// between), else by spawnSync wall time; both are medians over interleaved runs.

const MiB = 1024 * 1024;

function hasProgram(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Median wall time (ms) of each command over `runs` cold starts. The commands take turns, one run
 * each per round, in an order that alternates between rounds, so a load spike on this shared
 * machine hits all of them alike instead of skewing one block of runs.
 */
function coldStart(commands: string[][], runs: number, log: (m: string) => void): { medians: number[]; method: string } {
  const useHyperfine = hasProgram('hyperfine');
  if (!useHyperfine) log('hyperfine not installed: timing with spawnSync');
  const dir = mkdtempSync(path.join(tmpdir(), 'hashinode-hyperfine-'));
  const once = (command: string[]): number => {
    if (useHyperfine) {
      const out = path.join(dir, 'result.json');
      const words = command.map((w) => `'${w.replace(/'/g, "'\\''")}'`).join(' ');
      execFileSync('hyperfine', ['-N', '--runs', '1', '--export-json', out, words], { stdio: 'ignore' });
      return (JSON.parse(readFileSync(out, 'utf8')) as { results: { times: number[] }[] }).results[0]!.times[0]! * 1000;
    }
    const [file, ...args] = command;
    const t0 = performance.now();
    const r = spawnSync(file!, args, { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${command.join(' ')} exited ${r.status}`);
    return performance.now() - t0;
  };
  try {
    for (const c of commands) for (let i = 0; i < 3; i++) once(c); // warm the page cache
    const times = commands.map(() => [] as number[]);
    for (let round = 0; round < runs; round++) {
      const order = commands.map((_, k) => k);
      if (round % 2) order.reverse();
      for (const k of order) times[k]!.push(once(commands[k]!));
    }
    return { medians: times.map(median), method: useHyperfine ? 'hyperfine -N, interleaved' : 'spawnSync, interleaved' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Peak resident set size in MiB of one run of `command` (the kernel's ru_maxrss of the child). */
function peakRss(command: string[]): number {
  const script = 'import resource,subprocess,sys\nsubprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,check=True)\nprint(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)';
  return Number(execFileSync('python3', ['-c', script, ...command], { encoding: 'utf8' }).trim()) / 1024;
}

function fileSize(file: string): number {
  return statSync(file).size;
}

const bench: Bench = async ({ repo, quick, log }) => {
  const exe = path.join(repo, 'dist/hashinode-linux-x64');
  const bundle = path.join(repo, 'dist/hashinode.cjs');
  if (!existsSync(exe)) throw new Error(`${exe} is missing: run \`npm run build\` first`);
  const pins = readPins(repo);
  const node = cachedBinaryPath(pins.version, 'linux-x64');
  if (!existsSync(node)) throw new Error(`${node} is missing: \`npm run build\` caches it`);
  const runs = quick ? 5 : 20;
  const nodeName = `node -e 0 (v${pins.version})`;

  const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
  log(`cold start, ${runs} runs each (1-minute load average ${load})`);
  // The command with the largest chunk, for what a command that loads its code costs on top.
  const chunkDir = path.join(repo, 'dist/chunks');
  const chunks = existsSync(chunkDir) ? readdirSync(chunkDir).filter((f) => f.endsWith('.cjs')) : [];
  const biggest = chunks
    .filter((c) => c.startsWith('agent-cli-'))
    .sort((a, b) => fileSize(path.join(chunkDir, b)) - fileSize(path.join(chunkDir, a)))[0];
  const biggestCommand = biggest?.replace(/^agent-cli-(.*)\.cjs$/, '$1');
  const commands = [[node, '-e', '0'], [exe, 'version'], [node, bundle, 'version']];
  if (biggestCommand) commands.push([exe, biggestCommand, '--help']);
  const { medians, method } = coldStart(commands, runs, log);
  const [bare, sea, script, withChunk] = medians as [number, number, number, number | undefined];
  const ratio = sea / bare;
  const rows: BenchRow[] = [
    {
      group: 'start-up',
      name: `hashinode-linux-x64 version (median of ${runs}, ${method})`,
      value: sea,
      unit: 'ms',
      baseline: { name: nodeName, value: bare },
      goal: 'ratio <= 2.0',
      met: ratio <= 2.0,
    },
    { group: 'start-up', name: `node dist/hashinode.cjs version (median of ${runs})`, value: script, unit: 'ms', baseline: { name: nodeName, value: bare } },
    ...(withChunk === undefined || biggest === undefined
      ? []
      : [
          {
            group: 'start-up',
            name: `hashinode-linux-x64 ${biggestCommand} --help (loads its ${(fileSize(path.join(chunkDir, biggest)) / 1024).toFixed(0)} KiB chunk)`,
            value: withChunk,
            unit: 'ms',
            baseline: { name: nodeName, value: bare },
          },
        ]),
    // Context for the figures above: on a loaded machine every start-up time grows.
    { group: 'start-up', name: '1-minute load average during the runs', value: Number(load), unit: '' },
  ];

  const rssRuns = quick ? 3 : 5;
  const rssOf = (cmd: string[]) => median(Array.from({ length: rssRuns }, () => peakRss(cmd)));
  rows.push({
    group: 'memory',
    name: `peak RSS of hashinode-linux-x64 version (median of ${rssRuns})`,
    value: rssOf([exe, 'version']),
    unit: 'MiB',
    baseline: { name: 'node -e 0', value: rssOf([node, '-e', '0']) },
  });

  for (const target of ['linux-x64', 'linux-arm64']) {
    const built = path.join(repo, `dist/hashinode-${target}`);
    const raw = cachedBinaryPath(pins.version, target);
    if (!existsSync(built) || !existsSync(raw)) continue;
    rows.push({
      group: 'size',
      name: `hashinode-${target}`,
      value: fileSize(built) / MiB,
      unit: 'MiB',
      baseline: { name: `node-${target} v${pins.version}`, value: fileSize(raw) / MiB },
    });
  }
  rows.push({ group: 'size', name: 'main script dist/hashinode.cjs', value: fileSize(bundle) / 1024, unit: 'KiB' });
  for (const c of chunks.sort()) {
    rows.push({ group: 'size', name: `chunk ${c} (loaded on demand)`, value: fileSize(path.join(chunkDir, c)) / 1024, unit: 'KiB' });
  }
  return rows;
};

export default bench;
