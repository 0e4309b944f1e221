import { HashinodeError } from '../core/errors.ts';
import { parseDuration } from '../shared/duration.ts';
import type { LeaseStatus } from '../shared/lease.ts';
import { type Command, type CommandContext, boolOpt, stringOpt } from './command.ts';

// `hashinode elect`: the first-server election on its own, for operators and scripts (exit 0 when
// this instance leads, 3 when it follows) and for watching who holds the lease.

export const FOLLOWER_EXIT = 3;
const MIN_LEASE_MS = 300;

function required(ctx: CommandContext, name: string): string {
  const v = stringOpt(ctx.values, name);
  if (!v) throw new HashinodeError('HN_E_USAGE', `--${name} is required`);
  return v;
}

function line(ctx: CommandContext, s: LeaseStatus): string {
  return ctx.json
    ? `${JSON.stringify({ leader: s.leader, holder: s.holder, term: s.term })}\n`
    : `${s.leader ? 'leader' : 'follower'} holder=${s.holder ?? '-'} term=${s.term}\n`;
}

export const command: Command = {
  name: 'elect',
  summary: 'Contend for the first-server lease on the shared disk and report who holds it',
  usage: ['--shared-dir DIR --cluster NAME --instance-id ID [--ip IP] [--lease 15s] [--once] [--json]'],
  details: [
    'The lease is <shared-dir>/hashinode/<cluster>/election/first-server. With --once: one attempt',
    '(an existing lease is watched for up to one lease and taken over only if its heartbeat did not',
    'move), then exit 0 when leader, 3 when follower. Without --once: contend and hold until SIGTERM',
    '(which releases the lease), printing a line at every change.',
  ].join('\n'),
  options: {
    'shared-dir': { type: 'string', value: 'DIR', description: 'the mounted shared disk (required)' },
    cluster: { type: 'string', value: 'NAME', description: 'cluster name (required)' },
    'instance-id': { type: 'string', value: 'ID', description: 'this instance id, the lease holder name (required)' },
    ip: { type: 'string', value: 'IP', description: 'this instance private IP, recorded in the lease' },
    lease: { type: 'string', value: 'DURATION', description: 'lease length, e.g. 500ms, 15s, 1m (default 15s)' },
    once: { type: 'boolean', description: 'one attempt; exit 0 leader, 3 follower' },
  },
  async run(ctx) {
    let sharedDir: string;
    let cluster: string;
    let holder: string;
    let leaseMs: number;
    try {
      sharedDir = required(ctx, 'shared-dir');
      cluster = required(ctx, 'cluster');
      holder = required(ctx, 'instance-id');
      leaseMs = parseDuration(stringOpt(ctx.values, 'lease') ?? '15s', '--lease');
      if (leaseMs < MIN_LEASE_MS) throw new HashinodeError('HN_E_USAGE', `--lease must be at least ${MIN_LEASE_MS}ms, got ${leaseMs}ms`);
    } catch (err) {
      if (err instanceof HashinodeError && err.code === 'HN_E_USAGE') {
        ctx.stderr.write(`hashinode elect: HN_E_USAGE: ${err.message}\n`);
        return 2;
      }
      throw err;
    }
    const once = boolOpt(ctx.values, 'once');
    const deps = await ctx.deps();
    const [{ ensureWritableShared }, { acquireLease }] = await Promise.all([import('../shared/shared-dir.ts'), import('../shared/lease.ts')]);
    const clusterDirectory = await ensureWritableShared(sharedDir, cluster);

    let last = '';
    const print = (s: LeaseStatus) => {
      const text = line(ctx, s);
      if (text !== last) ctx.stdout.write(text);
      last = text;
    };
    const lease = await acquireLease(
      {
        clusterDir: clusterDirectory,
        holder,
        ip: stringOpt(ctx.values, 'ip') ?? '',
        leaseMs,
        contend: !once,
        onChange: once ? undefined : print,
      },
      deps,
    );

    if (once) {
      const status = await lease.settled();
      // Exit without releasing: the lease expires on its own, so a script that acts on exit 0
      // keeps a lease's worth of protection against another --once taking over.
      await lease.detach();
      print(status);
      return status.leader ? 0 : FOLLOWER_EXIT;
    }

    print(lease.status);
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await lease.release();
    return 0;
  },
};
