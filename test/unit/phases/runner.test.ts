import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../agent/core/clock.ts';
import { HashinodeError, isHashinodeError } from '../../../agent/core/errors.ts';
import { Journal } from '../../../agent/phases/journal.ts';
import { type PhaseDef, type PhaseEvent, runPhases } from '../../../agent/phases/runner.ts';
import type { Role } from '../../../agent/node/types.ts';
import { tempDir } from '../../helpers/tmp.ts';

interface Ctx {
  instanceId: string | null;
  roles: Role[] | null;
  ran: string[];
  fail?: string;
}

function phase(name: string, extra: Partial<PhaseDef<Ctx>> = {}): PhaseDef<Ctx> {
  return {
    name,
    roles: 'all',
    frequency: 'per-instance',
    describe: () => `would ${name}`,
    run: async (ctx) => {
      ctx.ran.push(name);
      if (ctx.fail === name) throw new HashinodeError('HN_E_TIMEOUT', `${name} timed out`);
      return `${name} ok`;
    },
    ...extra,
  };
}

const PHASES: PhaseDef<Ctx>[] = [
  phase('identify', {
    frequency: 'always',
    readOnly: true,
    run: async (ctx) => {
      ctx.ran.push('identify');
      ctx.instanceId = 'i-1';
      ctx.roles = ['nomad-client', 'consul-client'];
      return undefined;
    },
  }),
  phase('render', { frequency: 'per-boot' }),
  phase('consul-bootstrap', { roles: ['consul-server'] }),
  phase('nomad'),
];

async function setup(bootId = 'b1', file?: string) {
  const journalFile = file ?? path.join(await tempDir(), 'journal.json');
  const ctx: Ctx = { instanceId: null, roles: null, ran: [] };
  const events: PhaseEvent[] = [];
  const go = async (extra: Partial<Parameters<typeof runPhases<Ctx>>[1]> = {}, c = ctx) =>
    runPhases(c, {
      phases: PHASES,
      journal: await Journal.load(journalFile),
      clock: new ManualClock(),
      bootId,
      roles: (x) => x.roles,
      instanceId: (x) => x.instanceId,
      onEvent: (e) => events.push(e),
      ...extra,
    });
  return { ctx, events, go, journalFile };
}

describe('phase runner', () => {
  it('runs applicable phases in order and skips other roles’ phases', async () => {
    const { ctx, go } = await setup();
    const out = await go();
    expect(out.ok).toBe(true);
    expect(ctx.ran).toEqual(['identify', 'render', 'nomad']);
    expect(out.results.map((r) => `${r.name}:${r.result}`)).toEqual(['identify:done', 'render:done', 'consul-bootstrap:not-applicable', 'nomad:done']);
  });

  it('a re-run on the same boot redoes only "always" phases; a new boot redoes per-boot ones', async () => {
    const first = await setup('b1');
    await first.go();
    const again = await setup('b1', first.journalFile);
    await again.go();
    expect(again.ctx.ran).toEqual(['identify']);
    const reboot = await setup('b2', first.journalFile);
    await reboot.go();
    expect(reboot.ctx.ran).toEqual(['identify', 'render']);
  });

  it('resumes after a failure without redoing what is done', async () => {
    const first = await setup();
    first.ctx.fail = 'nomad';
    const out = await first.go();
    expect(out.ok).toBe(false);
    expect(out.error?.code).toBe('HN_E_PHASE');
    const again = await setup('b1', first.journalFile);
    expect((await again.go()).ok).toBe(true);
    expect(again.ctx.ran).toEqual(['identify', 'nomad']);
  });

  it('a phase error names the phase and keeps the cause and its code', async () => {
    const { ctx, go, events } = await setup();
    ctx.fail = 'render';
    const out = await go();
    expect(isHashinodeError(out.error, 'HN_E_PHASE')).toBe(true);
    expect(out.error?.message).toBe('phase render failed: HN_E_TIMEOUT: render timed out');
    expect(out.error?.details).toEqual({ phase: 'render', cause: 'HN_E_TIMEOUT' });
    expect((out.error!.cause as HashinodeError).code).toBe('HN_E_TIMEOUT');
    expect(events.at(-1)).toMatchObject({ phase: 'render', kind: 'end', result: 'failed' });
  });

  it('records each phase’s start, end, duration and result in the journal', async () => {
    const { go, journalFile, ctx } = await setup();
    ctx.fail = 'nomad';
    await go();
    const j = await Journal.load(journalFile);
    expect(j.instanceId).toBe('i-1');
    expect(j.record('render')).toMatchObject({ status: 'done', bootId: 'b1', summary: 'render ok' });
    expect(j.record('nomad')).toMatchObject({ status: 'failed', error: { code: 'HN_E_TIMEOUT' } });
    expect(j.snapshot().runs).toHaveLength(1);
  });

  it('--skip-phases skips by name and rejects unknown names', async () => {
    const { ctx, go } = await setup();
    const out = await go({ skip: ['render'] });
    expect(ctx.ran).toEqual(['identify', 'nomad']);
    expect(out.results.find((r) => r.name === 'render')?.result).toBe('skipped');
    const bad = await setup();
    await expect(bad.go({ skip: ['rendr'] })).rejects.toMatchObject({ code: 'HN_E_USAGE' });
  });

  it('--dry-run runs only read-only phases and describes the rest, writing no journal', async () => {
    const { ctx, go, journalFile } = await setup();
    const out = await go({ dryRun: true });
    expect(ctx.ran).toEqual(['identify']);
    expect(out.results.find((r) => r.name === 'render')).toMatchObject({ result: 'planned', summary: 'would render' });
    expect((await Journal.load(journalFile)).instanceId).toBeNull();
  });

  it('one named phase runs even when done (plus read-only prerequisites)', async () => {
    const first = await setup();
    await first.go();
    const again = await setup('b1', first.journalFile);
    await again.go({ only: 'nomad' });
    expect(again.ctx.ran).toEqual(['identify', 'nomad']);
  });

  it('records the agent’s CPU time with the run', async () => {
    const { go, journalFile } = await setup();
    await go({ cpuMs: () => 123.4 });
    expect((await Journal.load(journalFile)).snapshot().runs[0]?.cpuMs).toBe(123);
  });

  it('calls the crash hook at every phase boundary', async () => {
    const { go } = await setup();
    const points: string[] = [];
    await go({ crashPoint: (p) => points.push(p) });
    expect(points).toEqual(['before:identify', 'after:identify', 'before:render', 'after:render', 'before:consul-bootstrap', 'before:nomad', 'after:nomad']);
  });
});
