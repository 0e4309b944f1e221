import { readOptional } from './durable.ts';
import type { WorkflowContext } from './context.ts';

// Render through agent/render, marking services whose files change as needing a restart BEFORE
// writing, so a crash between the write and the restart still restarts them on the next run.

const UNITS = ['consul', 'nomad', 'vault', 'dnsmasq'] as const;

export async function renderAndApply(ctx: WorkflowContext, only?: string[], exclude: string[] = []): Promise<{ changed: string[]; pending: string[] }> {
  const { renderNodeConfig, applyRendered } = await import('../render/node-config.ts');
  const { loadKnownSecrets } = await import('../render/secrets.ts');
  const paths = ctx.deps.paths;
  const store = ctx.store;
  const rendered = await renderNodeConfig({
    facts: ctx.facts,
    paths,
    ...(store ? { sharedTemplatesDir: store.resolve('templates') } : {}),
    secrets: await loadKnownSecrets(paths),
    ...(only ? { only } : {}),
    ...(ctx.opts.builtinTemplatesDir ? { builtinTemplatesDir: ctx.opts.builtinTemplatesDir } : {}),
  });
  const files = Object.assign(
    rendered.filter((f) => !exclude.includes(f.path)),
    { pending: rendered.pending },
  );
  for (const f of files) {
    const unit = UNITS.find((u) => u === f.service);
    if (unit && (await readOptional(paths.host(f.path))) !== f.content) await ctx.journal.markRestart(unit);
  }
  const result = await applyRendered(files, ctx.deps, {
    ...(ctx.opts.applyOwnership !== undefined ? { applyOwnership: ctx.opts.applyOwnership } : {}),
    ...(ctx.opts.validateRendered !== undefined ? { validate: ctx.opts.validateRendered } : {}),
  });
  return { changed: result.changed, pending: files.pending };
}

/** Starts a unit, or restarts it when its inputs changed since it last started. */
export async function ensureUnit(ctx: WorkflowContext, unit: (typeof UNITS)[number]): Promise<'started' | 'restarted' | 'running'> {
  const sm = ctx.opts.sm;
  // Enabled once per instance, so the unit also starts on later boots without us.
  if (!ctx.journal.hasCheckpoint(`enabled:${unit}`)) {
    await sm.enable(unit);
    await ctx.journal.checkpoint(`enabled:${unit}`, new Date(ctx.deps.clock.now()).toISOString());
  }
  const active = await sm.isActive(unit);
  let outcome: 'started' | 'restarted' | 'running' = 'running';
  if (active && ctx.journal.restartPending(unit)) {
    await sm.restart(unit);
    outcome = 'restarted';
  } else if (!active) {
    await sm.start(unit);
    outcome = 'started';
  }
  await ctx.journal.clearRestart(unit);
  return outcome;
}
