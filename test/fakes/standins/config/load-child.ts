import { readFileSync } from 'node:fs';
import { loadConsulConfig } from '../consul/config.ts';
import { loadNomadConfig } from '../nomad/config.ts';
import { loadVaultConfig } from '../vault/config.ts';
import type { Obj } from './hcl-load.ts';
import { ConfigLoadError } from './hcl-load.ts';
import { ConfigError } from './values.ts';

// Runs one config load in a short-lived child process (input JSON on stdin, result JSON on
// stdout), so hcl2-parser (~50 MB once loaded, never given back to the OS) does not stay in the
// memory of a long-running agent: a simulated datacenter runs dozens of them.

const input = JSON.parse(readFileSync(0, 'utf8')) as { product: 'consul' | 'nomad' | 'vault'; targets: string[]; flagConfig: Obj; env: NodeJS.ProcessEnv };
let result: unknown;
try {
  const value =
    input.product === 'consul'
      ? loadConsulConfig({ configDirs: input.targets, flagConfig: input.flagConfig }, input.env)
      : input.product === 'nomad'
        ? loadNomadConfig(input.targets, input.flagConfig, input.env)
        : loadVaultConfig(input.targets);
  result = { ok: true, value };
} catch (err) {
  const known = err instanceof ConfigError || err instanceof ConfigLoadError;
  result = { ok: false, known, message: known ? (err as Error).message : ((err as Error).stack ?? String(err)) };
}
process.stdout.write(JSON.stringify(result));
