import { factsTable } from '../node/facts-table.ts';
import { type Command, stringOpt } from './command.ts';
import { IDENTITY_OPTIONS, identifyFromCli } from './identity-options.ts';

// `hashinode facts`: what this instance is and the cluster spec it will act on, with the source of
// every field. stdout carries only the data (table or JSON); warnings and logs go to stderr.

export const command: Command = {
  name: 'facts',
  summary: 'Show the instance facts (IMDS), tags and merged cluster spec with sources',
  usage: ['[--json] [--imds-endpoint URL] [--aws-endpoint URL] [--env-file FILE] [--cluster NAME] [--roles LIST] ...'],
  details: [
    'Spec inputs, highest precedence first: flags, the env file (HASHINODE_<FIELD>=...), instance tags',
    '(hashinode:<field>, hashinode:meta:<key>), defaults. Tags come from IMDS when instance metadata tags',
    'are on, else from EC2 DescribeTags. --json prints {instance, tags, spec, sources}.',
  ].join('\n'),
  options: IDENTITY_OPTIONS,
  async run(ctx) {
    // Only errors are logged unless --log-level asks for more: warnings are printed below.
    const deps = await ctx.deps();
    if (stringOpt(ctx.values, 'log-level') === undefined) deps.log.level = 'error';
    const { facts, warnings } = await identifyFromCli(ctx, deps);
    for (const w of warnings) ctx.stderr.write(`hashinode facts: warning: ${w}\n`);
    if (ctx.json) {
      const { instance, tags, spec, sources } = facts;
      ctx.stdout.write(`${JSON.stringify({ instance, tags, spec, sources }, null, 2)}\n`);
    } else {
      ctx.stdout.write(factsTable(facts));
    }
    return 0;
  },
};
