import type { Clock } from '../core/clock.ts';
import { HashinodeError, toHashinodeError } from '../core/errors.ts';
import type { Role } from '../node/types.ts';
import type { Frequency, Journal, RunRecord } from './journal.ts';

// Phases are data: the runner decides from the journal, the node's roles and the flags whether a
// phase runs, and records every start/end so `hashinode analyze` can show where the time went.

export interface PhaseDef<C> {
  name: string;
  /** Roles that need this phase; 'all' for every node. */
  roles: readonly Role[] | 'all';
  frequency: Frequency;
  /** Runs even with --dry-run because it changes nothing (identify: roles decide the rest). */
  readOnly?: boolean;
  /** Sets up context later phases read (shared disk, election): runs before a phase run alone. */
  providesContext?: boolean;
  /** One line: what the phase would do on this node (`--dry-run`). */
  describe(ctx: C): string | Promise<string>;
  /** Does the work; returns a one-line summary of what it did. */
  run(ctx: C): Promise<string | undefined>;
}

export type PhaseResult = 'done' | 'cached' | 'skipped' | 'not-applicable' | 'planned' | 'failed';

export interface PhaseEvent {
  phase: string;
  kind: 'start' | 'end';
  result?: PhaseResult;
  durationMs?: number;
  summary?: string;
  error?: HashinodeError;
}

export interface RunnerOptions<C> {
  phases: readonly PhaseDef<C>[];
  journal: Journal;
  clock: Clock;
  bootId: string;
  /** Phases named by --skip-phases. */
  skip?: readonly string[];
  /** Run only this phase, whatever the journal says (`hashinode phase NAME`). */
  only?: string;
  dryRun?: boolean;
  /** The node's roles once known (after identify), else null. */
  roles(ctx: C): readonly Role[] | null;
  /** The instance id once known: the journal binds to it. */
  instanceId(ctx: C): string | null;
  /** Test hook: called at every phase boundary (`before:NAME`, `after:NAME`). */
  crashPoint?: (point: string) => void;
  onEvent?: (event: PhaseEvent) => void;
  /** This process's CPU time so far (ms), recorded with the run (the agent's own cost). */
  cpuMs?: () => number;
}

export interface RunOutcome {
  ok: boolean;
  results: { name: string; result: PhaseResult; durationMs: number; summary?: string }[];
  error?: HashinodeError;
}

export function validatePhaseNames(names: readonly string[], known: readonly string[], flag: string): void {
  for (const n of names) {
    if (!known.includes(n)) throw new HashinodeError('HN_E_USAGE', `${flag}: unknown phase '${n}'; phases are: ${known.join(', ')}`);
  }
}

function applies(roles: readonly Role[] | 'all', nodeRoles: readonly Role[] | null): boolean {
  if (roles === 'all' || nodeRoles === null) return true;
  return roles.some((r) => nodeRoles.includes(r));
}

export function phaseError(name: string, err: unknown): HashinodeError {
  const cause = toHashinodeError(err);
  return new HashinodeError('HN_E_PHASE', `phase ${name} failed: ${cause.code}: ${cause.message}`, {
    cause,
    details: { phase: name, cause: cause.code },
  });
}

export async function runPhases<C>(ctx: C, opts: RunnerOptions<C>): Promise<RunOutcome> {
  const { journal, clock } = opts;
  const names = opts.phases.map((p) => p.name);
  validatePhaseNames(opts.skip ?? [], names, '--skip-phases');
  if (opts.only !== undefined) validatePhaseNames([opts.only], names, 'phase');
  const results: RunOutcome['results'] = [];
  const run: RunRecord = { startedAt: new Date(clock.now()).toISOString(), bootId: opts.bootId, phases: [] as RunOutcome['results'] };
  const emit = (e: PhaseEvent) => opts.onEvent?.(e);
  const finish = (name: string, result: PhaseResult, durationMs = 0, summary?: string, error?: HashinodeError) => {
    results.push({ name, result, durationMs, ...(summary ? { summary } : {}) });
    emit({ phase: name, kind: 'end', result, durationMs, ...(summary ? { summary } : {}), ...(error ? { error } : {}) });
  };
  const bind = async () => {
    const id = opts.instanceId(ctx);
    if (id !== null && !journal.isBound) await journal.bindInstance(id);
  };

  const target = opts.only === undefined ? -1 : names.indexOf(opts.only);
  const selected =
    target < 0 ? opts.phases : opts.phases.slice(0, target + 1).filter((p) => p.name === opts.only || p.readOnly || p.providesContext);
  for (const phase of selected) {
    opts.crashPoint?.(`before:${phase.name}`);
    if (opts.skip?.includes(phase.name)) {
      finish(phase.name, 'skipped');
      continue;
    }
    if (!applies(phase.roles, opts.roles(ctx))) {
      finish(phase.name, 'not-applicable');
      continue;
    }
    const forced = opts.only === phase.name;
    if (opts.dryRun && !phase.readOnly) {
      finish(phase.name, 'planned', 0, await phase.describe(ctx));
      continue;
    }
    if (!forced && !opts.dryRun && journal.isBound && journal.isDone(phase.name, phase.frequency, opts.bootId)) {
      finish(phase.name, 'cached', 0, journal.record(phase.name)?.summary);
      continue;
    }
    emit({ phase: phase.name, kind: 'start' });
    const started = clock.monotonic();
    const startedAt = new Date(clock.now()).toISOString();
    if (!opts.dryRun) await journal.setPhase(phase.name, { status: 'running', startedAt, bootId: opts.bootId });
    try {
      const summary = (await phase.run(ctx)) ?? undefined;
      const durationMs = Math.round(clock.monotonic() - started);
      if (!opts.dryRun) {
        await bind();
        await journal.setPhase(phase.name, {
          status: 'done',
          startedAt,
          endedAt: new Date(clock.now()).toISOString(),
          durationMs,
          bootId: opts.bootId,
          ...(summary ? { summary } : {}),
        });
      }
      finish(phase.name, 'done', durationMs, summary);
    } catch (err) {
      const error = phaseError(phase.name, err);
      const durationMs = Math.round(clock.monotonic() - started);
      if (!opts.dryRun) {
        await bind().catch(() => undefined);
        const cause = error.cause as HashinodeError;
        await journal.setPhase(phase.name, {
          status: 'failed',
          startedAt,
          endedAt: new Date(clock.now()).toISOString(),
          durationMs,
          bootId: opts.bootId,
          error: { code: cause.code, message: cause.message },
        });
      }
      finish(phase.name, 'failed', durationMs, undefined, error);
      run.phases = results;
      if (opts.cpuMs) run.cpuMs = Math.round(opts.cpuMs());
      if (!opts.dryRun && journal.isBound) await journal.addRun(run);
      return { ok: false, results, error };
    }
    opts.crashPoint?.(`after:${phase.name}`);
  }
  run.phases = results;
  if (opts.cpuMs) run.cpuMs = Math.round(opts.cpuMs());
  if (!opts.dryRun && journal.isBound) await journal.addRun(run);
  return { ok: true, results };
}
