import { STATE } from '../node/materials.ts';
import type { Command } from './command.ts';

// `hashinode analyze`: where the boot went, per phase, slowest first (cloud-init analyze blame).

export const command: Command = {
  name: 'analyze',
  summary: 'Show per-phase timing of the bootstrap workflow from the journal, slowest first',
  usage: ['[--json]'],
  options: {},
  async run(ctx) {
    const deps = await ctx.deps();
    const { Journal } = await import('../phases/journal.ts');
    const { analyzeJournal, formatBlame } = await import('../phases/analyze.ts');
    const journal = await Journal.load(deps.paths.host(STATE.journal));
    const report = analyzeJournal(journal.snapshot());
    ctx.stdout.write(ctx.json ? `${JSON.stringify(report)}\n` : formatBlame(report));
    return 0;
  },
};
