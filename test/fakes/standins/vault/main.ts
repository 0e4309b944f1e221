import { ConfigLoadError } from '../config/hcl-load.ts';
import { loadConfigInChild } from '../config/load-in-child.ts';
import { ConfigError, parseFlags } from '../config/values.ts';
import type { AgentLog } from '../log.ts';
import type { VaultConfig } from './config.ts';
import { runVaultServer } from './server.ts';

// The `vault` command line: `server -config=DIR` (repeatable) and `version`.

export async function vaultMain(args: string[], env: NodeJS.ProcessEnv, log: AgentLog, errOut: NodeJS.WritableStream): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'version' || sub === '-v' || sub === '--version') {
    log.banner('Vault v1.17.6 (standin), built 2026-01-01T00:00:00Z');
    return 0;
  }
  if (sub !== 'server') {
    errOut.write(`Usage: vault <command> [args]\n\nUnsupported command by the stand-in: ${sub ?? '(none)'}\n`);
    return 1;
  }
  const { flags } = parseFlags(rest, new Set(['dev']));
  const targets = flags.get('config') ?? [];
  if (targets.length === 0) {
    errOut.write('No configuration files found. Please provide configurations with the -config flag.\n');
    return 1;
  }
  let cfg: VaultConfig;
  try {
    cfg = await loadConfigInChild<VaultConfig>('vault', targets, {}, env);
  } catch (err) {
    const msg = err instanceof ConfigError || err instanceof ConfigLoadError ? err.message : String(err);
    errOut.write(`Error loading configuration from ${targets.join(', ')}: ${msg}\n`);
    return 1;
  }
  return runVaultServer(cfg, env, log);
}
