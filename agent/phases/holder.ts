import { readOptional, writeDurable } from './durable.ts';
import type { Service } from '../node/materials.ts';
import type { Bundle, ServiceCerts } from '../pki/bundle.ts';
import type { CaMaterial } from '../pki/ca.ts';
import type { HolderMaterials } from '../pki/holder.ts';
import type { MailboxKeyPair } from '../pki/seal.ts';
import type { WorkflowContext } from './context.ts';
import { localKeeper, sharedSealedKeeper, type TrustedServer } from './keepers.ts';
import { combinedKeeper, chooseSecret, type SecretKeeper } from './secrets.ts';

// The CA holder's materials: created once (CAs, gossip keys), kept in /var/lib/hashinode/secrets
// (0600) with sealed copies on the shared disk for the other servers, and handed out through the
// mailbox.

/** Token names the holder hands out (management ones to servers only: pki's bundle rules). */
export const HANDED_OUT_TOKENS = [
  'consulManagement',
  'nomadManagement',
  'consulDns',
  'consulClientAgent',
  'nomadServerConsul',
  'nomadClientConsul',
  'vaultStorage',
] as const;

export function clusterServices(ctx: WorkflowContext): Service[] {
  const s: Service[] = ['consul', 'nomad'];
  if (ctx.facts.spec.vault.enabled || ctx.has('vault-server')) s.push('vault');
  return s;
}

let cachedKey: MailboxKeyPair | null = null;

export async function mailboxKey(ctx: WorkflowContext): Promise<MailboxKeyPair> {
  const { loadOrCreateMailboxKey } = await import('../pki/mailbox.ts');
  cachedKey ??= await loadOrCreateMailboxKey(ctx.deps.paths);
  return cachedKey;
}

/** Local 0600 files first, then this node's sealed copies on the shared disk; saved to both. */
export async function secretKeeper(ctx: WorkflowContext): Promise<SecretKeeper> {
  const store = await ctx.ensureStore();
  // Copies for other servers go only to keys the holder pinned and answered as servers; the
  // records' MAC key derives from the Consul CA key, so a node without it seals to itself only.
  const trustedServers = async (): Promise<TrustedServer[]> => {
    const ca = await loadOrCreateCa(ctx, 'consul', false);
    const { recordMacKey, verifiedKeys } = await import('../pki/key-records.ts');
    const macKey = ca ? recordMacKey({ consul: ca }) : null;
    if (!macKey) return [];
    return (await verifiedKeys(store, macKey)).filter((k) => k.kind === 'server').map((k) => ({ id: k.instanceId, publicKey: k.publicKey }));
  };
  return combinedKeeper(
    localKeeper(ctx.deps.paths),
    sharedSealedKeeper({ store, instanceId: ctx.instanceId, keyPair: await mailboxKey(ctx), trustedServers }),
  );
}

async function loadOrCreateCa(ctx: WorkflowContext, service: Service, create: boolean): Promise<CaMaterial | null> {
  const { caKeyPaths } = await import('../pki/bundle.ts');
  const p = caKeyPaths(service);
  const certFile = ctx.deps.paths.host(p.cert);
  const keyFile = ctx.deps.paths.host(p.key);
  const [certPem, keyPem] = [await readOptional(certFile), await readOptional(keyFile)];
  if (certPem && keyPem) return { service, certPem, keyPem };
  if (!create) return null;
  const { createCa } = await import('../pki/ca.ts');
  const ca = await createCa(service, { now: new Date(ctx.deps.clock.now()) });
  // Key first: a cert without its key would be loaded as a half CA by nobody, a key alone is redone.
  await writeDurable(keyFile, ca.keyPem, 0o600);
  await writeDurable(certFile, ca.certPem, 0o600);
  return ca;
}

/**
 * The CA holder's materials. With `create` (the first server's pki phase) what is missing is made
 * once; without it (the mailbox loop, a server taking over as holder) only what exists is loaded:
 * a server without the CA keys must never mint a CA of its own.
 */
export async function holderMaterials(ctx: WorkflowContext, keeper: SecretKeeper, create: boolean): Promise<HolderMaterials> {
  const cas: HolderMaterials['cas'] = {};
  for (const s of clusterServices(ctx)) {
    const ca = await loadOrCreateCa(ctx, s, create);
    if (ca) cas[s] = ca;
  }
  const { newGossipKey } = await import('../pki/gossip.ts');
  const gossipKey = async (name: string) => (create ? chooseSecret(keeper, name, newGossipKey) : ((await keeper.load(name)) ?? undefined));
  const consulGossip = await gossipKey('consulGossipKey');
  const nomadGossip = await gossipKey('nomadGossipKey');
  const gossip = { ...(consulGossip ? { consul: consulGossip } : {}), ...(nomadGossip ? { nomad: nomadGossip } : {}) };
  const tokens: HolderMaterials['tokens'] = {};
  const local = localKeeper(ctx.deps.paths);
  for (const name of HANDED_OUT_TOKENS) {
    const v = await local.load(name);
    if (v) tokens[name] = v;
  }
  return { cas, gossip, tokens, datacenter: ctx.facts.spec.datacenter, region: ctx.facts.spec.nomadRegion };
}

/** The holder's own bundle: what the mailbox would send it, issued directly. */
export async function ownBundle(ctx: WorkflowContext, m: HolderMaterials): Promise<Bundle> {
  const { issueCert } = await import('../pki/certs.ts');
  const base = {
    dc: m.datacenter,
    region: m.region,
    now: new Date(ctx.deps.clock.now()),
    ips: [...new Set([ctx.facts.instance.privateIp, ctx.facts.spec.clientAddr])],
    node: ctx.instanceId,
  };
  const certs: Partial<Record<Service, ServiceCerts>> = {};
  const issue = async (service: Service, role: 'server' | 'client' | 'cli') => {
    const ca = m.cas[service];
    if (!ca) return undefined;
    const { certPem, keyPem } = await issueCert(ca, { ...base, ...(service === 'consul' && role === 'server' ? {} : { node: undefined }), service, role });
    return { certPem, keyPem };
  };
  const add = async (service: Service, role: 'server' | 'client', cli: boolean) => {
    const agent = await issue(service, role);
    const c = cli ? await issue(service, 'cli') : undefined;
    certs[service] = { ...(agent ? { agent } : {}), ...(c ? { cli: c } : {}) };
  };
  if (ctx.has('consul-server')) await add('consul', 'server', true);
  if (ctx.has('nomad-server')) await add('nomad', 'server', true);
  else if (ctx.has('nomad-client')) await add('nomad', 'client', false);
  if (ctx.has('vault-server')) await add('vault', 'server', false);
  const caCerts: Bundle['caCerts'] = {};
  const caKeys: NonNullable<Bundle['caKeys']> = {};
  for (const [s, ca] of Object.entries(m.cas) as [Service, CaMaterial][]) {
    caCerts[s] = ca.certPem;
    caKeys[s] = ca.keyPem;
  }
  return {
    kind: 'server',
    instanceId: ctx.instanceId,
    issuedAt: new Date(ctx.deps.clock.now()).toISOString(),
    caCerts,
    caKeys,
    gossip: m.gossip,
    certs,
    tokens: m.tokens,
  };
}
