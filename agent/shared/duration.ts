import { HashinodeError } from '../core/errors.ts';

// Durations on the command line read like people write them (500ms, 15s, 1m), never bare numbers
// whose unit a reader must guess.

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text.trim());
  const ms = m ? Math.round(Number(m[1]) * UNITS[m[2]!]!) : Number.NaN;
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new HashinodeError('HN_E_USAGE', `${flag} must be a duration like 500ms, 15s or 1m, got '${text}'`);
  }
  return ms;
}

export function formatDuration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
