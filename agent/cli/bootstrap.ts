import { ERROR_CODES, HashinodeError } from '../core/errors.ts';
import type { Command, CommandContext } from './command.ts';
import { boolOpt, stringOpt } from './command.ts';
import { IDENTITY_OPTIONS } from './identity-options.ts';

// `hashinode bootstrap`: the EC2 user-data entry point. Runs every phase this node's roles need,
// resuming from the journal, and exits 0 once the node is ready.

export const command: Command = {
  name: 'bootstrap',
  logTo: 'stdout',
  summary: 'Run the bootstrap workflow until this node is a ready member of the datacenter',
  usage: ['[--wait] [--timeout DUR] [--dry-run] [--skip-phases A,B] [--service-manager systemd|local] [--bin-dir DIR] [--shared-dir DIR] [--serve] [identity flags]'],
  options: {
    wait: { type: 'boolean', description: 'retry failed phases (resuming from the journal) until --timeout, unless the error is terminal' },
    timeout: { type: 'string', value: 'DUR', description: 'give up after this long (default 30m); also bounds every wait inside a phase' },
    'dry-run': { type: 'boolean', description: 'print what each phase would do on this node; change nothing' },
    'skip-phases': { type: 'string', value: 'A,B', description: 'phases not to run (by name)' },
    serve: { type: 'boolean', description: 'after ready, a Consul server stays up as a possible CA holder (answers the mailbox while it holds the lease) until SIGTERM' },
    'service-manager': { type: 'string', value: 'KIND', description: 'systemd (default) or local (spawn the binaries from --bin-dir)' },
    'bin-dir': { type: 'string', value: 'DIR', description: 'where consul, nomad, vault live for --service-manager local' },
    'shared-dir': { type: 'string', value: 'DIR', description: 'an already mounted shared directory (skips EFS discovery and mounting)' },
    'poll-interval': { type: 'string', value: 'DUR', description: 'how often to poll the shared disk and the services (default 1s)' },
    lease: { type: 'string', value: 'DUR', description: 'first-server lease length (default 15s)' },
    'mailbox-settle': {
      type: 'string',
      value: 'DUR',
      description: "CA holder: how long a new node's key must stand alone before it is answered (default 5s; keep above twice --poll-interval)",
    },
    ...IDENTITY_OPTIONS,
  },
  details:
    'Phases: identify, shared-disk, dns, elect, pki, render, consul-bootstrap, consul-join, acl-tokens, nomad, vault, ready.\n' +
    'A re-run resumes: what the journal (/var/lib/hashinode/journal.json) records as done is not redone.\n' +
    'Exit 0 when ready; otherwise the exit code of the error that stopped it.',
  run: runBootstrap,
};

export async function runBootstrap(ctx: CommandContext, only?: string): Promise<number> {
  const { buildWorkflow, skipList, dryRun } = await import('../phases/start.ts');
  const { runPhases } = await import('../phases/runner.ts');
  const { BOOTSTRAP_PHASES, PHASE_NAMES } = await import('../phases/workflows.ts');
  const { progressPrinter } = await import('../phases/progress.ts');
  const { parseDuration } = await import('../shared/duration.ts');
  const timeoutRaw = stringOpt(ctx.values, 'timeout');
  const timeoutMs = timeoutRaw === undefined ? 30 * 60_000 : parseDuration(timeoutRaw, '--timeout');
  const wctx = await buildWorkflow(ctx, timeoutRaw === undefined ? {} : { timeoutMs });
  const { clock } = wctx.deps;
  const deadline = clock.monotonic() + timeoutMs;
  const onEvent = progressPrinter(ctx.stdout, { json: ctx.json, tty: ctx.human && !ctx.json, phases: PHASE_NAMES });
  try {
    for (;;) {
      const outcome = await runPhases(wctx, {
        phases: BOOTSTRAP_PHASES,
        journal: wctx.journal,
        clock,
        bootId: wctx.opts.bootId,
        skip: skipList(ctx),
        ...(only !== undefined ? { only } : {}),
        dryRun: dryRun(ctx),
        roles: (c) => c.roles,
        instanceId: (c) => c.identified?.facts.instance.instanceId ?? null,
        ...(wctx.opts.crashPoint ? { crashPoint: wctx.opts.crashPoint } : {}),
        onEvent,
        cpuMs: () => {
          const u = process.cpuUsage();
          return (u.user + u.system) / 1000;
        },
      });
      if (outcome.ok) {
        if (boolOpt(ctx.values, 'serve') && !dryRun(ctx) && wctx.identified?.facts.spec.roles.includes('consul-server')) {
          ctx.stderr.write('hashinode bootstrap: ready; serving as a possible CA holder until SIGTERM\n');
          const { serveMailbox } = await import('../phases/serve.ts');
          await serveMailbox(wctx, ctx.signal);
        }
        return 0;
      }
      const error = outcome.error!;
      const cause = error.cause instanceof HashinodeError ? error.cause : error;
      const retry = boolOpt(ctx.values, 'wait') && !ERROR_CODES[cause.code].terminal && clock.monotonic() < deadline;
      ctx.stderr.write(`hashinode ${only ? 'phase' : 'bootstrap'}: ${error.code}: ${error.message}${retry ? ' (retrying)' : ''}\n`);
      if (!retry) return cause.exitCode;
      await wctx.close();
      await clock.sleep(Math.min(5000, wctx.pollMs * 3), ctx.signal);
    }
  } finally {
    await wctx.close();
  }
}
