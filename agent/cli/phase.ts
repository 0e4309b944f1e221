import { HashinodeError } from '../core/errors.ts';
import { command as bootstrap, runBootstrap } from './bootstrap.ts';
import type { Command } from './command.ts';

// `hashinode phase NAME`: one phase of the bootstrap workflow, whatever the journal says (plus the
// phases that set up what it reads: identify, shared-disk, elect).

export const command: Command = {
  name: 'phase',
  logTo: 'stdout',
  summary: 'Run one phase of the bootstrap workflow (e.g. render, consul-bootstrap)',
  usage: ['NAME [--dry-run] [--service-manager systemd|local] [--bin-dir DIR] [--shared-dir DIR] [identity flags]'],
  positionals: true,
  options: Object.fromEntries(Object.entries(bootstrap.options).filter(([k]) => !['wait', 'serve', 'skip-phases'].includes(k))),
  details: 'Phases: identify, shared-disk, dns, elect, pki, render, consul-bootstrap, consul-join, acl-tokens, nomad, vault, ready.',
  async run(ctx) {
    const { PHASE_NAMES } = await import('../phases/workflows.ts');
    const [name, ...rest] = ctx.positionals;
    if (!name || rest.length) throw new HashinodeError('HN_E_USAGE', `phase needs exactly one phase name: ${PHASE_NAMES.join(', ')}`);
    if (!PHASE_NAMES.includes(name)) throw new HashinodeError('HN_E_USAGE', `unknown phase '${name}'; phases are: ${PHASE_NAMES.join(', ')}`);
    return runBootstrap(ctx, name);
  },
};
