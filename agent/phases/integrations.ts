import { readFile } from 'node:fs/promises';
import type { Deps } from '../core/deps.ts';
import { HashinodeError } from '../core/errors.ts';
import type { NodeFacts } from '../node/types.ts';
import type { IdentityCerts } from '../pki/identity.ts';
import type { InstanceDirectory } from '../pki/instances.ts';
import { readOptional } from './durable.ts';

// The real implementations behind WorkflowOptions' integration points, loaded on demand.

type PhaseEdit = (text: string, phase: 'bootstrap' | 'revert', flavor: 'consul' | 'nomad', file?: string) => string;

/**
 * applyPhaseEdit from agent/hcl, resolved once (the dance calls it synchronously). The edit also
 * closes Consul's TLS ports while `tls` is commented out, with markers, so revert reopens them.
 */
export async function loadPhaseEdit(): Promise<PhaseEdit> {
  return (await import('../hcl/index.ts')).applyPhaseEdit;
}

export function sharedRootResolver(opts: { sharedDir?: string; awsEndpoint?: string; imdsEndpoint?: string }, deps: Deps) {
  return async (facts: NodeFacts): Promise<string> => {
    const { ensureSharedDisk } = await import('../shared/disk.ts');
    return ensureSharedDisk(
      {
        spec: facts.spec,
        instance: facts.instance,
        ...(opts.sharedDir ? { sharedDir: opts.sharedDir } : {}),
        ...(opts.awsEndpoint ? { awsEndpoint: opts.awsEndpoint } : {}),
        ...(opts.imdsEndpoint ? { imdsEndpoint: opts.imdsEndpoint } : {}),
      },
      deps,
    );
  };
}

export function ec2Directory(opts: { awsEndpoint?: string; imdsEndpoint?: string }) {
  return (facts: NodeFacts): InstanceDirectory => {
    let dir: InstanceDirectory | null = null;
    return {
      async describe(id) {
        if (!dir) {
          const { ec2InstanceDirectory } = await import('../pki/instances.ts');
          const { createEc2Client } = await import('../node/aws-clients.ts');
          dir = ec2InstanceDirectory(async () =>
            createEc2Client({
              region: facts.instance.region,
              ...(opts.awsEndpoint ? { endpoint: opts.awsEndpoint } : {}),
              ...(opts.imdsEndpoint ? { imdsEndpoint: opts.imdsEndpoint } : {}),
            }),
          );
        }
        return dir.describe(id);
      },
    };
  };
}

/**
 * `/etc/hashinode/identity-certs.json` ({region: PEM}) adds or replaces the certificates that
 * verify instance identity documents (regions AWS documents separately, e.g. GovCloud; the local
 * simulation's signing key).
 */
export async function identityCertsFromRoot(deps: Deps): Promise<IdentityCerts | undefined> {
  const file = deps.paths.host('/etc/hashinode/identity-certs.json');
  const text = await readOptional(file);
  if (text === null) return undefined;
  let extra: Record<string, string>;
  try {
    extra = JSON.parse(text) as Record<string, string>;
  } catch (err) {
    throw new HashinodeError('HN_E_FILE_READ', `${file} is not JSON ({"region": "PEM"}): ${(err as Error).message}`, { cause: err });
  }
  const { DEFAULT_IDENTITY_CERTS } = await import('../pki/identity.ts');
  return { ...DEFAULT_IDENTITY_CERTS, ...extra };
}

/** This boot's id: per-boot phases run again after a reboot. A file under --root wins (tests, the demo). */
export async function readBootId(deps: Deps): Promise<string> {
  for (const file of [deps.paths.host('/proc/sys/kernel/random/boot_id'), '/proc/sys/kernel/random/boot_id']) {
    const v = await readFile(file, 'utf8').then(
      (t) => t.trim(),
      () => '',
    );
    if (v) return v;
  }
  return 'unknown-boot';
}
