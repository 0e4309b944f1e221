import type { Clock } from '../core/clock.ts';
import { HashinodeError, isHashinodeError } from '../core/errors.ts';
import type { Log } from '../core/log.ts';
import type { Service } from '../node/materials.ts';
import { ROLES, type Role } from '../node/types.ts';
import { type Bundle, type ServiceCerts, type Tokens, tokenAllowed } from './bundle.ts';
import type { CaMaterial } from './ca.ts';
import { type CertRequest, issueCert } from './certs.ts';
import { type IdentityCerts, verifyIdentityDocument } from './identity.ts';
import type { InstanceDirectory } from './instances.ts';
import {
  isInstanceId,
  MAILBOX_DIRS,
  type MailboxRequest,
  type MailboxStore,
  type Refusal,
  refusedPath,
  requestPath,
  sealedPath,
} from './mailbox-types.ts';
import { judgeKey, recordAnswer, recordMacKey } from './key-records.ts';
import { canonicalPublicKey, type SealedBox, seal } from './seal.ts';

// The CA holder's side: every request is judged on what AWS says (signature, EC2 state and tags),
// never on what the request claims, then answered with a sealed bundle or a refusal in the clear.

export interface HolderMaterials {
  /** CA certificates and keys, per service present in the cluster. */
  cas: Partial<Record<Service, CaMaterial>>;
  gossip: { consul?: string; nomad?: string };
  /** Management tokens (servers only) and per-node tokens (e.g. consulAgent) once they exist. */
  tokens: Tokens;
  datacenter: string;
  region: string;
}

export interface HolderOptions {
  store: MailboxStore;
  materials: HolderMaterials;
  directory: InstanceDirectory;
  /** Cluster name the instance's `hashinode:cluster` tag must carry. */
  cluster: string;
  clock: Clock;
  /** Region -> AWS identity certificate (default: the embedded AWS ones). */
  identityCerts?: IdentityCerts;
  /** How far a request's time may be from the holder's clock (default 5 minutes). */
  maxSkewMs?: number;
  /**
   * How long a new instance's key must be the only one offered before it is answered (default
   * 5 s; keep it above twice the nodes' poll interval). 0 answers at once, without the check.
   */
  settleMs?: number;
  log?: Log;
}

export interface AnswerReport {
  instanceId: string;
  /** deferred: the holder could not judge now (EC2 unreachable...); no reply, tried again next pass. */
  outcome: 'sealed' | 'refused' | 'skipped' | 'deferred';
  kind?: 'server' | 'worker';
  reason?: string;
}

export const CLUSTER_TAG = 'hashinode:cluster';
export const ROLES_TAG = 'hashinode:roles';
const SERVER_ROLES: readonly Role[] = ['consul-server', 'nomad-server'];
export const DEFAULT_SETTLE_MS = 5_000;

class Refuse extends Error {}

class Defer extends Error {}

/** Answers every request that has no answer for its nonce yet. Safe to call in a loop. */
export async function answerRequests(opts: HolderOptions): Promise<AnswerReport[]> {
  const reports: AnswerReport[] = [];
  for (const name of await opts.store.list(MAILBOX_DIRS.requests)) {
    if (!name.endsWith('.json')) continue;
    const report = await answerOne(opts, name.slice(0, -'.json'.length));
    if (report) reports.push(report);
  }
  return reports;
}

async function answerOne(opts: HolderOptions, fileId: string): Promise<AnswerReport | null> {
  if (!isInstanceId(fileId)) return null;
  const raw = await opts.store.fetch(requestPath(fileId));
  if (!raw) return null;
  const parsed = parse<Partial<MailboxRequest>>(raw);
  const nonce = typeof parsed?.nonce === 'string' ? parsed.nonce : '';
  if (await alreadyAnswered(opts.store, fileId, nonce)) return { instanceId: fileId, outcome: 'skipped' };
  try {
    const request = validateShape(parsed, fileId);
    const { kind, ip } = await judge(opts, request);
    const bundle = await buildBundle(opts, request, kind, ip);
    const box = seal(JSON.stringify(bundle), request.publicKey, { instanceId: request.instanceId, nonce: request.nonce });
    await opts.store.publish(sealedPath(fileId), `${JSON.stringify(box)}\n`, { mode: 0o644 });
    await recordAnswer(opts.store, macKey(opts), request.instanceId, request.nonce, kind);
    opts.log?.info({ instanceId: fileId, kind }, 'mailbox: sealed reply published');
    return { instanceId: fileId, outcome: 'sealed', kind };
  } catch (err) {
    if (err instanceof Defer) return { instanceId: fileId, outcome: 'deferred', reason: err.message };
    if (!(err instanceof Refuse) && !isHashinodeError(err, 'HN_E_IDENTITY_INVALID') && !isHashinodeError(err, 'HN_E_SEALED_BOX')) {
      // Not the requester's fault (EC2 throttled, a CA file unreadable): answer nothing, retry later,
      // and keep serving the other requests.
      const reason = err instanceof Error ? err.message : String(err);
      opts.log?.warn({ instanceId: fileId, reason }, 'mailbox: request deferred');
      return { instanceId: fileId, outcome: 'deferred', reason };
    }
    const refusal: Refusal = { v: 1, instanceId: fileId, nonce, reason: err.message, time: new Date(opts.clock.now()).toISOString() };
    await opts.store.publish(refusedPath(fileId), `${JSON.stringify(refusal, null, 2)}\n`, { mode: 0o644 });
    opts.log?.warn({ instanceId: fileId, reason: err.message }, 'mailbox: request refused');
    return { instanceId: fileId, outcome: 'refused', reason: err.message };
  }
}

async function alreadyAnswered(store: MailboxStore, id: string, nonce: string): Promise<boolean> {
  for (const rel of [sealedPath(id), refusedPath(id)]) {
    const raw = await store.fetch(rel);
    const reply = raw ? parse<SealedBox | Refusal>(raw) : null;
    if (reply && reply.nonce === nonce) return true;
  }
  return false;
}

function validateShape(r: Partial<MailboxRequest> | null, fileId: string): MailboxRequest {
  if (!r || typeof r !== 'object') throw new Refuse('the request is not JSON');
  for (const key of ['instanceId', 'publicKey', 'identityDocument', 'identitySignature', 'nonce', 'time'] as const) {
    if (typeof r[key] !== 'string' || r[key] === '') throw new Refuse(`the request has no ${key}`);
  }
  if (r.instanceId !== fileId) throw new Refuse(`the request in ${requestPath(fileId)} names another instance (${r.instanceId})`);
  if (!Array.isArray(r.roles) || r.roles.some((x) => !(ROLES as readonly string[]).includes(x))) {
    throw new Refuse(`the request's roles must be a list of ${ROLES.join(', ')}`);
  }
  return r as MailboxRequest;
}

async function judge(opts: HolderOptions, req: MailboxRequest): Promise<{ kind: 'server' | 'worker'; ip?: string }> {
  const now = opts.clock.now();
  const sent = Date.parse(req.time);
  const maxSkew = opts.maxSkewMs ?? 300_000;
  if (!Number.isFinite(sent) || Math.abs(now - sent) > maxSkew) {
    throw new Refuse(`the request time ${req.time} is more than ${maxSkew / 1000} s from the holder's clock (stale or replayed request)`);
  }
  const claims = verifyIdentityDocument(req.identityDocument, req.identitySignature, opts.identityCerts);
  if (claims.instanceId !== req.instanceId) {
    throw new Refuse(`the identity document is for ${claims.instanceId}, not ${req.instanceId}`);
  }
  const inst = await opts.directory.describe(req.instanceId);
  if (!inst) throw new Refuse(`EC2 does not know instance ${req.instanceId}`);
  if (inst.state !== 'running') throw new Refuse(`instance ${req.instanceId} is ${inst.state}, not running`);
  if (inst.tags[CLUSTER_TAG] !== opts.cluster) {
    throw new Refuse(`instance ${req.instanceId} is not tagged ${CLUSTER_TAG}=${opts.cluster} (tag is ${inst.tags[CLUSTER_TAG] ?? 'absent'})`);
  }
  const tagged = (inst.tags[ROLES_TAG] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const notAllowed = req.roles.filter((r) => r !== 'consul-client' && !tagged.includes(r));
  if (notAllowed.length > 0) {
    throw new Refuse(`roles ${notAllowed.join(', ')} are not allowed by the instance's ${ROLES_TAG} tag (${tagged.join(',') || 'absent'})`);
  }
  await pinKey(opts, req);
  const kind = req.roles.some((r) => SERVER_ROLES.includes(r)) ? 'server' : 'worker';
  const ip = inst.privateIp ?? claims.privateIp;
  return { kind, ...(ip ? { ip } : {}) };
}

async function buildBundle(opts: HolderOptions, req: MailboxRequest, kind: 'server' | 'worker', ip?: string): Promise<Bundle> {
  return bundleFor(opts.materials, { instanceId: req.instanceId, roles: req.roles, kind, now: new Date(opts.clock.now()), ...(ip ? { ip } : {}) });
}

/**
 * The bundle a node with these roles gets: also what the first server installs for itself. The
 * kind must come from roles EC2 vouched for (answerRequests) or from the holder's own spec.
 */
export async function bundleFor(
  m: HolderMaterials,
  req: { instanceId: string; roles: Role[]; kind?: 'server' | 'worker'; ip?: string; now: Date },
): Promise<Bundle> {
  const kind = req.kind ?? (req.roles.some((r) => SERVER_ROLES.includes(r)) ? 'server' : 'worker');
  const { now, ip } = req;
  const base = { dc: m.datacenter, region: m.region, now, ...(ip ? { ips: [ip] } : {}) };
  const certs: Partial<Record<Service, ServiceCerts>> = {};
  const issue = async (service: Service, role: CertRequest['role']) => {
    const ca = m.cas[service];
    if (!ca) return undefined;
    const { certPem, keyPem } = await issueCert(ca, { ...base, service, role });
    return { certPem, keyPem };
  };
  const add = async (service: Service, role: 'server' | 'client', withCli: boolean) => {
    const agent = await issue(service, role);
    const cli = withCli ? await issue(service, 'cli') : undefined;
    if (agent || cli) certs[service] = { ...(agent ? { agent } : {}), ...(cli ? { cli } : {}) };
  };
  const has = (r: Role) => req.roles.includes(r);
  if (has('consul-server')) await add('consul', 'server', true);
  if (has('nomad-server')) await add('nomad', 'server', true);
  else if (has('nomad-client')) await add('nomad', 'client', false);
  if (has('vault-server')) await add('vault', 'server', false);

  const caCerts: Partial<Record<Service, string>> = {};
  for (const [service, ca] of Object.entries(m.cas) as [Service, CaMaterial][]) caCerts[service] = ca.certPem;
  const tokens: Tokens = {};
  for (const [name, value] of Object.entries(m.tokens)) {
    if (!value) continue;
    if (tokenAllowed(name, kind, req.roles)) tokens[name] = value;
  }
  const bundle: Bundle = { kind, instanceId: req.instanceId, issuedAt: now.toISOString(), caCerts, gossip: { ...m.gossip }, certs, tokens };
  if (kind === 'server') {
    const caKeys: Partial<Record<Service, string>> = {};
    for (const [service, ca] of Object.entries(m.cas) as [Service, CaMaterial][]) caKeys[service] = ca.keyPem;
    bundle.caKeys = caKeys;
  }
  return bundle;
}

function macKey(opts: HolderOptions): Buffer {
  const key = recordMacKey(opts.materials.cas);
  if (!key) throw new HashinodeError('HN_E_PKI', 'the holder has no CA key: it cannot answer the mailbox');
  return key;
}

/** First key wins, after a settle window in which no second key may appear (key-records.ts). */
async function pinKey(opts: HolderOptions, req: MailboxRequest): Promise<void> {
  const verdict = await judgeKey({
    store: opts.store,
    macKey: macKey(opts),
    instanceId: req.instanceId,
    publicKey: canonicalPublicKey(req.publicKey),
    nonce: req.nonce,
    nowMs: opts.clock.now(),
    settleMs: opts.settleMs ?? DEFAULT_SETTLE_MS,
  });
  if (verdict.status === 'conflict') throw new Refuse(verdict.reason);
  if (verdict.status === 'replayed') throw new Refuse(`nonce ${req.nonce} was already answered (replayed request)`);
  if (verdict.status === 'settling') throw new Defer(`new key for ${req.instanceId}: waiting ${(opts.settleMs ?? DEFAULT_SETTLE_MS) / 1000} s for a competing key before answering`);
}

function parse<T>(raw: Buffer): T | null {
  try {
    return JSON.parse(raw.toString('utf8')) as T;
  } catch {
    return null;
  }
}
