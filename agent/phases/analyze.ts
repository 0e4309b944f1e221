import type { JournalData } from './journal.ts';

export interface AnalyzeReport {
  instanceId: string | null;
  totalMs: number;
  phases: { name: string; status: string; durationMs: number; startedAt: string; endedAt?: string; summary?: string; error?: { code: string; message: string } }[];
  runs: number;
}

/** Latest record of every phase, slowest first. Pure. */
export function analyzeJournal(j: JournalData): AnalyzeReport {
  const phases = Object.entries(j.phases)
    .map(([name, r]) => ({
      name,
      status: r.status,
      durationMs: r.durationMs ?? 0,
      startedAt: r.startedAt,
      ...(r.endedAt ? { endedAt: r.endedAt } : {}),
      ...(r.summary ? { summary: r.summary } : {}),
      ...(r.error ? { error: r.error } : {}),
    }))
    .sort((a, b) => b.durationMs - a.durationMs || a.name.localeCompare(b.name));
  return { instanceId: j.instanceId, totalMs: phases.reduce((s, p) => s + p.durationMs, 0), phases, runs: j.runs.length };
}

export function formatBlame(r: AnalyzeReport): string {
  if (r.instanceId === null) return '-- no journal yet: bootstrap has not run on this instance --\n';
  const lines = [`-- ${r.instanceId}: ${r.phases.length} phases, ${(r.totalMs / 1000).toFixed(3)}s in total, ${r.runs} runs --`];
  for (const p of r.phases) {
    const what = p.error ? `${p.error.code}: ${p.error.message}` : (p.summary ?? '');
    lines.push(`${`${(p.durationMs / 1000).toFixed(3)}s`.padStart(10)} ${p.name.padEnd(17)} ${p.status.padEnd(8)} ${what}`.trimEnd());
  }
  return `${lines.join('\n')}\n`;
}
