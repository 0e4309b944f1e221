import { ConfigLoadError, type Obj } from '../config/hcl-load.ts';
import { loadConfigInChild } from '../config/load-in-child.ts';
import { ConfigError, parseFlags } from '../config/values.ts';
import type { AgentLog } from '../log.ts';
import { runNomadAgent } from './agent.ts';
import { loadNomadConfig, type NomadConfig } from './config.ts';

// The `nomad` command line: `agent -config=DIR`, `config validate DIR`, `version`.

const BOOL_FLAGS = new Set(['server', 'client', 'dev']);

function flagConfig(flags: Map<string, string[]>): Obj {
  const out: Obj = {};
  const one = (f: string) => flags.get(f)?.at(-1);
  if (one('data-dir') !== undefined) out['data_dir'] = one('data-dir');
  if (one('node') !== undefined) out['name'] = one('node');
  if (one('region') !== undefined) out['region'] = one('region');
  if (one('dc') !== undefined) out['datacenter'] = one('dc');
  if (one('bind') !== undefined) out['bind_addr'] = one('bind');
  const server: Obj = {};
  if (one('server') !== undefined) server['enabled'] = one('server') === 'true';
  if (one('bootstrap-expect') !== undefined) server['bootstrap_expect'] = Number(one('bootstrap-expect'));
  if (one('encrypt') !== undefined) server['encrypt'] = one('encrypt');
  if (flags.has('retry-join')) server['retry_join'] = flags.get('retry-join');
  if (Object.keys(server).length) out['server'] = server;
  if (one('client') !== undefined) out['client'] = { enabled: one('client') === 'true' };
  return out;
}

function describe(err: unknown): string {
  if (err instanceof ConfigError || err instanceof ConfigLoadError) return err.message;
  return `unexpected error: ${(err as Error).stack ?? String(err)}`;
}

export async function nomadMain(args: string[], env: NodeJS.ProcessEnv, log: AgentLog, errOut: NodeJS.WritableStream): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'version' || sub === '-v' || sub === '--version') {
    log.banner('Nomad v1.9.7\nBuildDate 2026-01-01T00:00:00Z\nRevision standin');
    return 0;
  }
  if (sub === 'config' && rest[0] === 'validate') {
    const targets = rest.slice(1).filter((a) => !a.startsWith('-'));
    if (targets.length === 0) {
      errOut.write('This command requires at least one argument: <path>\n');
      return 1;
    }
    try {
      const cfg = loadNomadConfig(targets, {}, env);
      for (const w of cfg.warnings) log.banner(w);
      log.banner('Configuration is valid!');
      return 0;
    } catch (err) {
      errOut.write(`${describe(err)}\n`);
      return 1;
    }
  }
  if (sub === 'agent') {
    const { flags } = parseFlags(rest, BOOL_FLAGS);
    let cfg: NomadConfig;
    try {
      cfg = await loadConfigInChild<NomadConfig>('nomad', flags.get('config') ?? [], flagConfig(flags), env);
    } catch (err) {
      errOut.write(`==> ${describe(err)}\n`);
      return 1;
    }
    return runNomadAgent(cfg, env, log);
  }
  errOut.write(`Usage: nomad [-version] [-help] [-autocomplete-(un)install] <command> [args]\n\nUnsupported command by the stand-in: ${sub ?? '(none)'}\n`);
  return 1;
}
