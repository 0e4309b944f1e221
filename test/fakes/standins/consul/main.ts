import { ConfigLoadError, type Obj } from '../config/hcl-load.ts';
import { loadConfigInChild } from '../config/load-in-child.ts';
import { ConfigError, parseFlags } from '../config/values.ts';
import type { AgentLog } from '../log.ts';
import { runConsulAgent } from './agent.ts';
import { type ConsulConfig, loadConsulConfig } from './config.ts';

// The `consul` command line: `agent`, `validate`, `version`, with the flags the units use.

const BOOL_FLAGS = new Set(['server', 'bootstrap', 'dev', 'ui', 'quiet']);

function flagConfig(flags: Map<string, string[]>): Obj {
  const out: Obj = {};
  const one = (f: string) => flags.get(f)?.at(-1);
  if (one('data-dir') !== undefined) out['data_dir'] = one('data-dir');
  if (one('node') !== undefined) out['node_name'] = one('node');
  if (one('datacenter') !== undefined) out['datacenter'] = one('datacenter');
  if (one('bind') !== undefined) out['bind_addr'] = one('bind');
  if (one('advertise') !== undefined) out['advertise_addr'] = one('advertise');
  if (one('client') !== undefined) out['client_addr'] = one('client');
  if (one('encrypt') !== undefined) out['encrypt'] = one('encrypt');
  if (one('server') !== undefined) out['server'] = one('server') === 'true';
  if (one('bootstrap') !== undefined) out['bootstrap'] = one('bootstrap') === 'true';
  if (one('bootstrap-expect') !== undefined) out['bootstrap_expect'] = Number(one('bootstrap-expect'));
  if (flags.has('retry-join')) out['retry_join'] = flags.get('retry-join');
  return out;
}

/** -config-file and -config-dir values in command-line order: Consul loads them in that order. */
function configTargets(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const m = /^--?config-(?:file|dir)(?:=(.*))?$/.exec(args[i]!);
    if (m) out.push(m[1] ?? args[++i] ?? '');
  }
  return out;
}

function load(args: readonly string[], env: NodeJS.ProcessEnv, positionalDirs: boolean): ConsulConfig {
  const { flags, rest } = parseFlags(args, BOOL_FLAGS);
  const dirs = [...configTargets(args), ...(positionalDirs ? rest : [])];
  return loadConsulConfig({ configDirs: dirs, flagConfig: flagConfig(flags) }, env);
}

function describe(err: unknown): string {
  if (err instanceof ConfigError || err instanceof ConfigLoadError) return err.message;
  return `unexpected error: ${(err as Error).stack ?? String(err)}`;
}

export async function consulMain(args: string[], env: NodeJS.ProcessEnv, log: AgentLog, errOut: NodeJS.WritableStream): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'version' || sub === '-v' || sub === '--version') {
    log.banner('Consul v1.19.2\nRevision standin\nBuild Date 2026-01-01T00:00:00Z\nProtocol 2 spoken by default, understands 2 to 3 (agent will automatically use protocol >2 when speaking to compatible agents)');
    return 0;
  }
  if (sub === 'validate') {
    if (rest.filter((a) => !a.startsWith('-')).length === 0) {
      errOut.write('Must specify at least one config file or directory\n');
      return 1;
    }
    try {
      const cfg = load(rest, { ...env }, true);
      for (const w of cfg.warnings) log.banner(w);
      log.banner('Configuration is valid!');
      return 0;
    } catch (err) {
      errOut.write(`Config validation failed: ${describe(err)}\n`);
      return 1;
    }
  }
  if (sub === 'agent') {
    let cfg: ConsulConfig;
    try {
      const { flags } = parseFlags(rest, BOOL_FLAGS);
      const dirs = configTargets(rest);
      cfg = await loadConfigInChild<ConsulConfig>('consul', dirs, flagConfig(flags), env);
    } catch (err) {
      errOut.write(`==> ${describe(err)}\n`);
      return 1;
    }
    return runConsulAgent(cfg, env, log);
  }
  errOut.write(`Usage: consul [--version] [--help] <command> [<args>]\n\nUnsupported command by the stand-in: ${sub ?? '(none)'}\n`);
  return 1;
}
