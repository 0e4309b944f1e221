// npm run bench [-- --quick] [-- --json FILE] [-- NAME ...]
//
// Runs every test/bench/*.bench.ts (or those whose name contains a NAME) in its own Node process,
// so one bench's servers or timers cannot disturb another, and prints ONE table of their rows. A
// bench that throws or times out appears in the table as a failed row; the runner then exits 1
// after printing everything else. A missed goal is a finding, shown as "MISS", not a failure.

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const repo = path.resolve(import.meta.dirname, '../..');
// HASHINODE_BENCH_DIR: another directory of bench files (the runner's own tests use it).
const benchDir = process.env.HASHINODE_BENCH_DIR ?? path.join(repo, 'test/bench');

async function child(file, out, quick) {
  try {
    const mod = await import(pathToFileURL(file).href);
    if (typeof mod.default !== 'function') throw new Error(`${path.relative(repo, file)} does not default-export a Bench function`);
    const log = (message) => process.stderr.write(`  [${path.basename(file)}] ${message}\n`);
    const rows = await mod.default({ repo, quick, log });
    if (!Array.isArray(rows)) throw new Error(`${path.relative(repo, file)} returned ${typeof rows}, not an array of rows`);
    writeFileSync(out, JSON.stringify({ rows }));
  } catch (err) {
    // The table shows the first line; the whole stack goes to stderr for whoever debugs it.
    process.stderr.write(`${err?.stack ?? err}\n`);
    writeFileSync(out, JSON.stringify({ error: `${err?.name ?? 'Error'}: ${err?.message ?? err}` }));
    process.exitCode = 1;
  }
}

function runBench(file, quick, timeoutMs) {
  const work = mkdtempSync(path.join(tmpdir(), 'hashinode-bench-'));
  const out = path.join(work, 'rows.json');
  const started = performance.now();
  return new Promise((resolve) => {
    const args = [import.meta.filename, '--child', file, '--out', out, ...(quick ? ['--quick'] : [])];
    const proc = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (d) => {
      process.stderr.write(d);
      stderr += d;
    });
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      let result;
      try {
        const report = JSON.parse(readFileSync(out, 'utf8'));
        result = report.error ? { error: report.error, seconds } : { rows: report.rows, seconds };
      } catch {
        const why = signal === 'SIGKILL' ? `timed out after ${timeoutMs / 1000} s` : `exit ${code ?? signal}: ${stderr.trim().split('\n').at(-1) ?? ''}`;
        result = { error: why, seconds };
      }
      rmSync(work, { recursive: true, force: true });
      resolve(result);
    });
  });
}

function fmt(value) {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  return abs >= 100 ? value.toFixed(0) : abs >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function table(rows) {
  const header = ['group', 'name', 'value', 'baseline', 'ratio', 'goal', 'met'];
  const cells = rows.map((r) => [
    r.group,
    r.name,
    r.error ? 'FAILED' : `${fmt(r.value)} ${r.unit}`,
    r.error ? r.error : r.baseline ? `${r.baseline.name}: ${fmt(r.baseline.value)} ${r.unit}` : '',
    !r.error && r.baseline && r.baseline.value !== 0 ? fmt(r.value / r.baseline.value) : '',
    r.goal ?? '',
    r.met === undefined ? '' : r.met ? 'yes' : 'MISS',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => String(c[i]).length)));
  const line = (c) => c.map((x, i) => String(x).padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

async function main() {
  const { values, positionals } = parseArgs({
    options: { child: { type: 'string' }, out: { type: 'string' }, quick: { type: 'boolean', default: false }, json: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.child) return child(values.child, values.out, values.quick);

  const quick = values.quick || process.env.HASHINODE_BENCH_QUICK === '1';
  const timeoutMs = Number(process.env.HASHINODE_BENCH_TIMEOUT_S ?? 600) * 1000;
  const files = readdirSync(benchDir)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => positionals.length === 0 || positionals.some((p) => f.includes(p)))
    .sort();
  if (files.length === 0) {
    process.stderr.write(`bench: no test/bench/*.bench.ts matches ${positionals.join(' ')}\n`);
    process.exitCode = 1;
    return;
  }
  const rows = [];
  let failed = 0;
  for (const f of files) {
    process.stderr.write(`bench: ${f}${quick ? ' (quick)' : ''}\n`);
    const result = await runBench(path.join(benchDir, f), quick, timeoutMs);
    if (result.error) {
      failed++;
      rows.push({ group: f.replace(/\.bench\.ts$/, ''), name: f, error: result.error.replace(/\s+/g, ' ').slice(0, 160) });
    } else {
      rows.push(...result.rows);
    }
  }
  process.stdout.write(`\n${table(rows)}\n\n`);
  const goals = rows.filter((r) => r.met !== undefined);
  process.stdout.write(
    `bench: ${files.length - failed} of ${files.length} bench files ran, ${goals.filter((r) => r.met).length} of ${goals.length} goals met\n`,
  );
  if (values.json) writeFileSync(values.json, `${JSON.stringify(rows, null, 2)}\n`);
  if (failed > 0) process.exitCode = 1;
}

main().catch((err) => {
  process.stderr.write(`bench: ${err?.stack ?? err}\n`);
  process.exitCode = 1;
});
