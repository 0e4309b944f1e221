import type { Deps } from '../core/deps.ts';
import { readEnvFile } from './env-file.ts';
import { readIdentityDocument, readInstanceFacts } from './facts.ts';
import { ImdsClient, type ImdsClientOptions } from './imds.ts';
import { ENV_KEYS, mergeSpec } from './spec.ts';
import { readInstanceTags } from './tags.ts';
import type { IdentityDocument, NodeFacts } from './types.ts';

// Who am I: the env file (local, checked first so a typo fails before any network call), then IMDS
// facts and the identity document, then tags (IMDS or DescribeTags), merged into the spec.

export interface IdentifyOptions {
  imdsEndpoint: string;
  awsEndpoint?: string;
  /** Env file path (default /etc/hashinode/hashinode.env under the root). */
  envFile?: string;
  /** Spec flags by flag name without dashes (`cluster`, `consul-servers`, ...). */
  flags: Record<string, string | undefined>;
  /** IMDS client tuning (timeouts, deadline, TTL). */
  imds?: Partial<Omit<ImdsClientOptions, 'endpoint' | 'http' | 'clock' | 'log'>>;
}

export interface Identified {
  facts: NodeFacts;
  identity: IdentityDocument;
  warnings: string[];
}

export async function identify(opts: IdentifyOptions, deps: Deps): Promise<Identified> {
  const env = await readEnvFile(opts.envFile ?? deps.paths.envFile, ENV_KEYS);
  const imds = new ImdsClient({ ...opts.imds, endpoint: opts.imdsEndpoint, http: deps.http, clock: deps.clock, log: deps.log });
  const [instance, identity] = await Promise.all([readInstanceFacts(imds), readIdentityDocument(imds)]);
  const { tags, via } = await readInstanceTags(imds, {
    instanceId: instance.instanceId,
    region: instance.region,
    awsEndpoint: opts.awsEndpoint,
    imdsEndpoint: opts.imdsEndpoint,
    clock: deps.clock,
    http: deps.http,
    log: deps.log,
  });
  const merged = mergeSpec({ flags: opts.flags, env, tags, instance });
  const warnings = [...env.warnings, ...merged.warnings];
  for (const w of warnings) deps.log.warn({ component: 'identify' }, w);
  deps.log.info({ instanceId: instance.instanceId, cluster: merged.spec.cluster, roles: merged.spec.roles, tagsVia: via }, 'identified');
  return { facts: { instance, tags, spec: merged.spec, sources: merged.sources }, identity, warnings };
}
