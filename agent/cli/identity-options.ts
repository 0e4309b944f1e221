import path from 'node:path';
import type { Deps } from '../core/deps.ts';
import { HashinodeError } from '../core/errors.ts';
import { readFactsFile } from '../node/facts-file.ts';
import { type Identified, identify } from '../node/identify.ts';
import { DEFAULT_IMDS_ENDPOINT, IMDS_IPV6_ENDPOINT } from '../node/imds.ts';
import { FIELDS } from '../node/spec-fields.ts';
import { boolOpt, type CommandContext, type OptionSpec, stringOpt } from './command.ts';

// The flags every command that needs to know "who am I" shares (facts, render, bootstrap, run, ...),
// and the one way they turn into facts: IMDS + tags + env file, or a facts file when offline.

export const IDENTITY_OPTIONS: Record<string, OptionSpec> = {
  'imds-endpoint': { type: 'string', value: 'URL', description: `IMDS base URL (default ${DEFAULT_IMDS_ENDPOINT})` },
  'imds-ipv6': { type: 'boolean', description: `use the IPv6 IMDS endpoint ${IMDS_IPV6_ENDPOINT}` },
  'aws-endpoint': { type: 'string', value: 'URL', description: 'endpoint for every AWS API call (EC2, EFS): tests, the local demo' },
  'env-file': { type: 'string', value: 'FILE', description: 'env file (default /etc/hashinode/hashinode.env under --root; absent is fine)' },
  facts: { type: 'string', value: 'FILE', description: 'use this `hashinode facts --json` output instead of IMDS (offline)' },
  ...Object.fromEntries(FIELDS.map((f) => [f.flag, { type: 'string', value: f.value, description: f.description } satisfies OptionSpec])),
};

/** The spec flags given on the command line, by flag name. */
export function specFlags(ctx: Pick<CommandContext, 'values'>): Record<string, string | undefined> {
  const flags: Record<string, string | undefined> = {};
  for (const f of FIELDS) {
    const v = stringOpt(ctx.values, f.flag);
    if (v !== undefined) flags[f.flag] = v;
  }
  return flags;
}

export function imdsEndpoint(ctx: Pick<CommandContext, 'values'>): string {
  const given = stringOpt(ctx.values, 'imds-endpoint');
  if (given !== undefined && boolOpt(ctx.values, 'imds-ipv6')) {
    throw new HashinodeError('HN_E_USAGE', '--imds-endpoint and --imds-ipv6 exclude each other');
  }
  const endpoint = given ?? (boolOpt(ctx.values, 'imds-ipv6') ? IMDS_IPV6_ENDPOINT : DEFAULT_IMDS_ENDPOINT);
  checkUrl('--imds-endpoint', endpoint);
  return endpoint;
}

function checkUrl(flag: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new HashinodeError('HN_E_USAGE', `${flag} must be a URL like http://127.0.0.1:8080, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HashinodeError('HN_E_USAGE', `${flag} must be an http:// or https:// URL, got ${JSON.stringify(value)}`);
  }
}

/** identify() from the command line, or the facts file given with --facts. `deps` overrides ctx.deps(). */
export async function identifyFromCli(ctx: CommandContext, deps?: Deps): Promise<Identified> {
  const factsFile = stringOpt(ctx.values, 'facts');
  const flags = specFlags(ctx);
  if (factsFile !== undefined) {
    const given = Object.keys(flags);
    if (given.length) {
      throw new HashinodeError('HN_E_USAGE', `--facts FILE holds an already merged spec; --${given[0]} cannot change it (edit the file instead)`);
    }
    const facts = await readFactsFile(path.resolve(factsFile));
    return { facts, identity: { document: '', signature: '' }, warnings: [`facts from ${factsFile}: no instance identity document offline`] };
  }
  const awsEndpoint = stringOpt(ctx.values, 'aws-endpoint');
  if (awsEndpoint !== undefined) checkUrl('--aws-endpoint', awsEndpoint);
  const envFile = stringOpt(ctx.values, 'env-file');
  return identify(
    {
      imdsEndpoint: imdsEndpoint(ctx),
      awsEndpoint,
      envFile: envFile === undefined ? undefined : path.resolve(envFile),
      flags,
    },
    deps ?? (await ctx.deps()),
  );
}
