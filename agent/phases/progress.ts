import type { Output } from '../cli/command.ts';
import type { PhaseEvent } from './runner.ts';

// One line per phase: plain lines for logs and user-data output, JSON lines with --json, and on a
// terminal a live "running" line that the result overwrites.

const MARK: Record<string, string> = { done: 'ok', cached: 'ok', skipped: '--', 'not-applicable': '--', planned: '..', failed: '!!' };

export function formatPhaseLine(e: PhaseEvent, index: number, total: number): string {
  const n = `[${String(index).padStart(2)}/${total}]`;
  const secs = e.durationMs !== undefined ? `${(e.durationMs / 1000).toFixed(2)}s` : '';
  const text = e.error ? `${e.error.code}: ${e.error.message}` : (e.summary ?? '');
  return `${n} ${MARK[e.result ?? ''] ?? '  '} ${e.phase.padEnd(17)} ${(e.result ?? '').padEnd(14)} ${secs.padStart(8)}  ${text}`.trimEnd();
}

export function progressPrinter(out: Output, opts: { json: boolean; tty: boolean; phases: readonly string[] }) {
  return (e: PhaseEvent) => {
    const index = opts.phases.indexOf(e.phase) + 1;
    if (opts.json) {
      if (e.kind === 'end') {
        out.write(
          `${JSON.stringify({ phase: e.phase, result: e.result, durationMs: e.durationMs, ...(e.summary ? { summary: e.summary } : {}), ...(e.error ? { error: e.error.toJSON() } : {}) })}\n`,
        );
      }
      return;
    }
    if (e.kind === 'start') {
      if (opts.tty) out.write(`[${String(index).padStart(2)}/${opts.phases.length}] .. ${e.phase} running...`);
      return;
    }
    out.write(`${opts.tty ? '\r\x1b[2K' : ''}${formatPhaseLine(e, index, opts.phases.length)}\n`);
  };
}
