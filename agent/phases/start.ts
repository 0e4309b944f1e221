import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import { type CommandContext, boolOpt, stringOpt } from '../cli/command.ts';
import type { Deps } from '../core/deps.ts';
import { HashinodeError } from '../core/errors.ts';
import { STATE } from '../node/materials.ts';
import type { ServiceManager } from '../supervisor/service-manager.ts';
import { DEFAULT_TIMEOUTS, WorkflowContext, type WorkflowOptions } from './context.ts';
import { ec2Directory, identityCertsFromRoot, loadPhaseEdit, readBootId, sharedRootResolver } from './integrations.ts';
import { Journal } from './journal.ts';

// Turns `bootstrap` / `phase` flags into a ready WorkflowContext. Shared by both commands.

/** HASHINODE_CRASH_AT=<point> kills the agent there with SIGKILL (a test hook; see README). */
export function crashHook(env: NodeJS.ProcessEnv, isFirst: () => boolean): ((point: string) => void) | undefined {
  const at = env.HASHINODE_CRASH_AT;
  if (!at) return undefined;
  const onlyFirst = env.HASHINODE_CRASH_ONLY_FIRST === '1';
  const onceFile = env.HASHINODE_CRASH_ONCE_FILE;
  return (point) => {
    if (point !== at || (onlyFirst && !isFirst())) return;
    if (onceFile && !claimOnce(onceFile)) return;
    process.stderr.write(`hashinode: test hook HASHINODE_CRASH_AT=${at}: SIGKILL\n`);
    process.kill(process.pid, 'SIGKILL');
  };
}

/** Across a whole simulated datacenter only one process crashes: the first to create the file. */
function claimOnce(file: string): boolean {
  try {
    closeSync(openSync(file, 'wx'));
    return true;
  } catch {
    return false;
  }
}

async function durationOpt(ctx: CommandContext, name: string): Promise<number | undefined> {
  const v = stringOpt(ctx.values, name);
  if (v === undefined) return undefined;
  const { parseDuration } = await import('../shared/duration.ts');
  return parseDuration(v, `--${name}`);
}

async function serviceManager(ctx: CommandContext, deps: Deps): Promise<ServiceManager> {
  const kind = stringOpt(ctx.values, 'service-manager') ?? 'systemd';
  if (kind === 'systemd') {
    const { SystemdServiceManager } = await import('../supervisor/systemd.ts');
    return new SystemdServiceManager({ exec: deps.exec, paths: deps.paths });
  }
  if (kind === 'local') {
    const binDir = stringOpt(ctx.values, 'bin-dir');
    if (!binDir) throw new HashinodeError('HN_E_USAGE', '--service-manager local needs --bin-dir DIR (where consul, nomad and vault are)');
    const { LocalServiceManager } = await import('../supervisor/local.ts');
    return new LocalServiceManager({ paths: deps.paths, clock: deps.clock, binDir: path.resolve(binDir) });
  }
  throw new HashinodeError('HN_E_USAGE', `--service-manager must be systemd or local, got '${kind}'`);
}

export async function buildWorkflow(ctx: CommandContext, extra: { timeoutMs?: number } = {}): Promise<WorkflowContext> {
  const deps = await ctx.deps();
  const { identifyFromCli } = await import('../cli/identity-options.ts');
  const awsEndpoint = stringOpt(ctx.values, 'aws-endpoint');
  const imdsEndpoint = stringOpt(ctx.values, 'imds-endpoint');
  const pollMs = (await durationOpt(ctx, 'poll-interval')) ?? 1000;
  const leaseMs = await durationOpt(ctx, 'lease');
  const mailboxSettleMs = await durationOpt(ctx, 'mailbox-settle');
  const sharedDir = stringOpt(ctx.values, 'shared-dir');
  const journal = await Journal.load(deps.paths.host(STATE.journal));
  const edit = await loadPhaseEdit();
  const identityCerts = await identityCertsFromRoot(deps);
  const timeouts = extra.timeoutMs ? { clusterReadyMs: extra.timeoutMs, leaderMs: extra.timeoutMs, mailboxMs: extra.timeoutMs } : DEFAULT_TIMEOUTS;
  let wctx: WorkflowContext | null = null;
  const crash = crashHook(ctx.env, () => wctx?.first === true);
  const opts: WorkflowOptions = {
    deps,
    sm: await serviceManager(ctx, deps),
    identify: () => identifyFromCli(ctx, deps),
    sharedRoot: sharedRootResolver({ ...(sharedDir ? { sharedDir: path.resolve(sharedDir) } : {}), ...(awsEndpoint ? { awsEndpoint } : {}), ...(imdsEndpoint ? { imdsEndpoint } : {}) }, deps),
    editConfig: (text, phase, flavor, file) => edit(text, phase, flavor, file),
    instanceDirectory: ec2Directory({ ...(awsEndpoint ? { awsEndpoint } : {}), ...(imdsEndpoint ? { imdsEndpoint } : {}) }),
    ...(identityCerts ? { identityCerts } : {}),
    bootId: await readBootId(deps),
    timeouts,
    pollMs,
    ...(leaseMs ? { leaseMs } : {}),
    ...(mailboxSettleMs !== undefined ? { mailboxSettleMs } : {}),
    ...(crash ? { crashPoint: crash } : {}),
    signal: ctx.signal,
  };
  wctx = new WorkflowContext(opts, journal);
  return wctx;
}

export function skipList(ctx: CommandContext): string[] {
  const v = stringOpt(ctx.values, 'skip-phases');
  return v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

export function dryRun(ctx: CommandContext): boolean {
  return boolOpt(ctx.values, 'dry-run');
}
