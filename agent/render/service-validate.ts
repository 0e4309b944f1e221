import { constants } from 'node:fs';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Deps } from '../core/deps.ts';
import { HashinodeError } from '../core/errors.ts';
import type { RenderedFile } from './node-config.ts';

// The services' own checkers, when installed: `consul validate DIR` and `nomad config validate DIR`
// on a private temp copy of the config directory (0700, removed afterwards), so a file they refuse
// is never written. Vault has no offline validator (`vault operator diagnose` needs its storage
// reachable), so Vault files are checked by the two HCL parsers only.

const VALIDATORS: Record<string, { dir: string; args: (dir: string) => string[] }> = {
  consul: { dir: '/etc/consul.d/', args: (dir) => ['validate', dir] },
  nomad: { dir: '/etc/nomad.d/', args: (dir) => ['config', 'validate', dir] },
};

/** The executable `name` on env.PATH, or undefined. */
export async function findOnPath(name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Runs each available validator; returns notes about skipped ones. Throws HN_E_RENDER_INVALID on refusal. */
export async function validateWithServices(
  files: readonly RenderedFile[],
  deps: Pick<Deps, 'exec' | 'log'>,
  env: NodeJS.ProcessEnv,
): Promise<string[]> {
  const notes: string[] = [];
  for (const [service, validator] of Object.entries(VALIDATORS)) {
    const own = files.filter((f) => f.service === service && f.path.startsWith(validator.dir) && f.path.endsWith('.hcl'));
    if (own.length === 0) continue;
    const bin = await findOnPath(service, env);
    if (!bin) {
      const note = `${service} is not on PATH: skipped its own validation (both HCL parsers still checked the files)`;
      deps.log.info({ service }, note);
      notes.push(note);
      continue;
    }
    const dir = await mkdtemp(path.join(tmpdir(), `hashinode-validate-${service}-`));
    try {
      for (const file of own) await writeFile(path.join(dir, path.basename(file.path)), file.content, { mode: 0o600 });
      const args = validator.args(dir);
      const result = await deps.exec.run(bin, args, { timeoutMs: 30_000, env });
      if (result.code !== 0) {
        const output = `${result.stdout}\n${result.stderr}`.trim().split(dir).join(validator.dir.replace(/\/$/, '')).slice(0, 2000);
        throw new HashinodeError(
          'HN_E_RENDER_INVALID',
          `${service} ${args.slice(0, -1).join(' ')} refused the rendered ${own.map((f) => f.path).join(', ')} (exit ${result.code}): ${output}; nothing was written`,
          { details: { service, exit: result.code } },
        );
      }
      deps.log.debug({ service }, `${service} accepted the rendered configuration`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  if (files.some((f) => f.service === 'vault' && f.path.endsWith('.hcl'))) {
    notes.push('vault has no offline validator: vault.hcl was checked by both HCL parsers only');
  }
  return notes;
}
