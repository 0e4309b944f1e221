import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../core/clock.ts';
import type { Log } from '../core/log.ts';
import { HashinodeError } from '../core/errors.ts';
import type { Paths } from '../core/paths.ts';
import { STATE } from '../node/materials.ts';
import type { IdentityDocument, Role } from '../node/types.ts';
import type { Bundle } from './bundle.ts';
import { type MailboxStore, type MailboxRequest, type Refusal, isInstanceId, refusedPath, requestPath, sealedPath } from './mailbox-types.ts';
import { generateMailboxKeyPair, type MailboxKeyPair, open, type SealedBox } from './seal.ts';
import { writeFileIfChanged } from './write.ts';

// The node side of the mailbox: publish a request, then poll for the reply that names our nonce.
// The holder side lives in holder.ts.

export * from './mailbox-types.ts';
export { answerRequests, type AnswerReport, type HolderMaterials, type HolderOptions } from './holder.ts';
export { recordMacKey, verifiedKeys } from './key-records.ts';

/**
 * This node's mailbox key, created once and kept (0600): the holder pins the first key it sees for
 * an instance id, so a node that lost its key could never be answered again.
 */
export async function loadOrCreateMailboxKey(paths: Paths): Promise<MailboxKeyPair> {
  const file = paths.host(STATE.mailboxKey);
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as MailboxKeyPair;
    if (typeof parsed.publicKey === 'string' && typeof parsed.privateKeyPem === 'string') return parsed;
    throw new Error('missing fields');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new HashinodeError('HN_E_FILE_READ', `${file} is not a mailbox key file: ${(err as Error).message}`, { cause: err });
    }
  }
  const pair = generateMailboxKeyPair();
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFileIfChanged(file, `${JSON.stringify(pair)}\n`, 0o600, 0o700);
  return pair;
}

export interface RequestMaterialsOptions {
  store: MailboxStore;
  instanceId: string;
  roles: Role[];
  identity: IdentityDocument;
  keyPair: MailboxKeyPair;
  clock: Clock;
  /** Give up after this long (default 10 minutes: the holder may still be electing). */
  timeoutMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
  /** Fixed nonce (tests); default 16 random bytes. */
  nonce?: string;
  log?: Log;
}

export function buildRequest(opts: Pick<RequestMaterialsOptions, 'instanceId' | 'roles' | 'identity' | 'keyPair' | 'clock' | 'nonce'>): MailboxRequest {
  return {
    v: 1,
    instanceId: opts.instanceId,
    roles: [...opts.roles],
    publicKey: opts.keyPair.publicKey,
    identityDocument: opts.identity.document,
    identitySignature: opts.identity.signature,
    nonce: opts.nonce ?? randomBytes(16).toString('hex'),
    time: new Date(opts.clock.now()).toISOString(),
  };
}

/** Publishes the request and waits for its answer: the opened bundle, or HN_E_MAILBOX_REFUSED. */
export async function requestMaterials(opts: RequestMaterialsOptions): Promise<Bundle> {
  if (!isInstanceId(opts.instanceId)) throw new HashinodeError('HN_E_PKI', `'${opts.instanceId}' is not an EC2 instance id`);
  const request = buildRequest(opts);
  const text = `${JSON.stringify(request, null, 2)}\n`;
  await opts.store.publish(requestPath(opts.instanceId), text, { mode: 0o644 });
  const deadline = opts.clock.monotonic() + (opts.timeoutMs ?? 600_000);
  for (;;) {
    const answer = await readReply(opts.store, opts.instanceId, request.nonce, opts.keyPair);
    if (answer) return answer;
    // Anyone can write the shared disk: if our request was replaced (an impostor offering its own
    // key with our public identity document), put it back, so the holder sees two keys and answers
    // neither rather than the impostor's.
    const current = await opts.store.fetch(requestPath(opts.instanceId));
    if (!current || current.toString('utf8') !== text) {
      opts.log?.warn({ instanceId: opts.instanceId }, 'mailbox: our request was replaced or removed on the shared store; publishing it again');
      await opts.store.publish(requestPath(opts.instanceId), text, { mode: 0o644 });
    }
    if (opts.clock.monotonic() >= deadline) {
      throw new HashinodeError('HN_E_MAILBOX_TIMEOUT', `no reply to ${requestPath(opts.instanceId)} within ${Math.round((opts.timeoutMs ?? 600_000) / 1000)} s`, {
        details: { instanceId: opts.instanceId },
      });
    }
    await opts.clock.sleep(opts.pollMs ?? 2_000, opts.signal);
  }
}

/** The reply for this nonce if there is one (a refusal throws); replies to older requests are ignored. */
export async function readReply(store: MailboxStore, instanceId: string, nonce: string, keyPair: MailboxKeyPair): Promise<Bundle | null> {
  const refusedRaw = await store.fetch(refusedPath(instanceId));
  if (refusedRaw) {
    const refusal = parseJson<Refusal>(refusedRaw);
    if (refusal?.nonce === nonce) {
      throw new HashinodeError('HN_E_MAILBOX_REFUSED', `the CA holder refused ${instanceId}: ${refusal.reason}`, { details: { instanceId, reason: refusal.reason } });
    }
  }
  const sealedRaw = await store.fetch(sealedPath(instanceId));
  if (sealedRaw) {
    const box = parseJson<SealedBox>(sealedRaw);
    if (box?.nonce === nonce) {
      const plain = open(box, keyPair.privateKeyPem, instanceId);
      const bundle = parseJson<Bundle>(plain);
      if (!bundle || bundle.instanceId !== instanceId) throw new HashinodeError('HN_E_SEALED_BOX', `the sealed reply for ${instanceId} holds no bundle for it`);
      return bundle;
    }
  }
  return null;
}

function parseJson<T>(raw: Buffer): T | null {
  try {
    return JSON.parse(raw.toString('utf8')) as T;
  } catch {
    return null;
  }
}
