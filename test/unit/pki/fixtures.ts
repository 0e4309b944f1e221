import { ManualClock } from '../../../agent/core/clock.ts';
import type { HolderMaterials } from '../../../agent/pki/holder.ts';
import { createCa } from '../../../agent/pki/ca.ts';
import { newGossipKey } from '../../../agent/pki/gossip.ts';
import { type InstanceRecord, staticInstanceDirectory } from '../../../agent/pki/instances.ts';
import { type SigningKey, signDocument, signingKey } from '../../fakes/signing-key.ts';

// Shared by the pki tests: a test identity-signing key (as the fake IMDS uses), documents signed
// with it, a cluster's holder materials, and an in-memory EC2 directory.

let cachedKey: SigningKey | undefined;
export function testSigningKey(): SigningKey {
  cachedKey ??= signingKey();
  return cachedKey;
}

export function identityFor(instanceId: string, opts: { region?: string; privateIp?: string; key?: SigningKey } = {}) {
  const document = JSON.stringify(
    {
      accountId: '123456789012',
      architecture: 'arm64',
      availabilityZone: `${opts.region ?? 'us-east-1'}a`,
      imageId: 'ami-0123456789abcdef0',
      instanceId,
      instanceType: 't4g.small',
      pendingTime: '2026-01-01T00:00:00Z',
      privateIp: opts.privateIp ?? '10.0.1.10',
      region: opts.region ?? 'us-east-1',
      version: '2017-09-30',
    },
    null,
    2,
  );
  return { document, signature: signDocument(opts.key ?? testSigningKey(), document) };
}

export function testIdentityCerts(): Record<string, string> {
  return { 'us-east-1': testSigningKey().certificatePem };
}

let cachedMaterials: Promise<HolderMaterials> | undefined;
/** One cluster's CAs, gossip keys and tokens (made once per test file: CA creation is the slow part). */
export function holderMaterials(): Promise<HolderMaterials> {
  cachedMaterials ??= (async () => ({
    cas: { consul: await createCa('consul'), nomad: await createCa('nomad'), vault: await createCa('vault') },
    gossip: { consul: newGossipKey(), nomad: newGossipKey() },
    tokens: {
      consulManagement: 'c0ffee00-1111-4222-8333-444455556666',
      nomadManagement: 'deadbeef-1111-4222-8333-444455556666',
      consulDns: 'a9e17000-1111-4222-8333-444455556601',
      consulClientAgent: 'a9e17000-1111-4222-8333-444455556602',
      nomadServerConsul: 'a9e17000-1111-4222-8333-444455556603',
      nomadClientConsul: 'a9e17000-1111-4222-8333-444455556604',
      vaultStorage: 'a9e17000-1111-4222-8333-444455556605',
    },
    datacenter: 'dc1',
    region: 'global',
  }))();
  return cachedMaterials;
}

export const SERVER_ID = 'i-0aaaaaaaaaaaaaaa1';
export const WORKER_ID = 'i-0bbbbbbbbbbbbbbb2';
export const VAULT_ID = 'i-0aaaaaaaaaaaaaaa7';

export function directory(extra: InstanceRecord[] = []) {
  return staticInstanceDirectory([
    { instanceId: SERVER_ID, state: 'running', privateIp: '10.0.1.10', tags: { 'hashinode:cluster': 'demo', 'hashinode:roles': 'consul-server,nomad-server' } },
    { instanceId: WORKER_ID, state: 'running', privateIp: '10.0.1.20', tags: { 'hashinode:cluster': 'demo', 'hashinode:roles': 'nomad-client' } },
    { instanceId: VAULT_ID, state: 'running', privateIp: '10.0.1.30', tags: { 'hashinode:cluster': 'demo', 'hashinode:roles': 'vault-server' } },
    ...extra,
  ]);
}

export function clock(): ManualClock {
  return new ManualClock({ wall: Date.UTC(2026, 5, 1, 12, 0, 0), mono: 1_000 });
}
