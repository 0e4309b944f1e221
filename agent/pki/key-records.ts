import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { CaMaterial } from './ca.ts';
import { type KeyRecord, keyRecordPath, type MailboxStore } from './mailbox-types.ts';

// The first-key-wins records live on the shared store, which every node can write. So each record
// carries an HMAC under a key derived from the CA key, which only servers hold: a record a worker
// forged (to pre-register its own key for a server's instance id) does not verify and is ignored.
// A record can still be deleted by anyone; that only restarts the settle window below.

const KEEP_NONCES = 32;

export type KeyVerdict =
  | { status: 'pinned' }
  | { status: 'settling'; sinceMs: number }
  | { status: 'conflict'; reason: string }
  | { status: 'replayed' };

/** The MAC key: HKDF over the CA private key PEM (any holder derives the same one). */
export function recordMacKey(cas: Partial<Record<string, CaMaterial>>): Buffer | null {
  const ca = cas.consul ?? Object.values(cas).find((c) => c !== undefined);
  if (!ca) return null;
  return Buffer.from(hkdfSync('sha256', Buffer.from(ca.keyPem, 'utf8'), Buffer.alloc(0), Buffer.from('hashinode key-record v1'), 32));
}

function macOf(record: Omit<KeyRecord, 'mac'>, key: Buffer): string {
  const canonical = JSON.stringify([record.v, record.instanceId, record.publicKey, record.firstSeen, record.status, record.kind ?? null, record.answered]);
  return createHmac('sha256', key).update(canonical).digest('base64');
}

function verified(raw: Buffer | null, id: string, key: Buffer): KeyRecord | null {
  if (!raw) return null;
  let r: KeyRecord;
  try {
    r = JSON.parse(raw.toString('utf8')) as KeyRecord;
  } catch {
    return null;
  }
  if (r?.instanceId !== id || typeof r.mac !== 'string' || !Array.isArray(r.answered)) return null;
  const { mac, ...rest } = r;
  const expected = Buffer.from(macOf(rest, key), 'base64');
  const given = Buffer.from(mac, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected) ? r : null;
}

async function write(store: MailboxStore, record: Omit<KeyRecord, 'mac'>, key: Buffer): Promise<void> {
  const full: KeyRecord = { ...record, mac: macOf(record, key) };
  await store.publish(keyRecordPath(record.instanceId), `${JSON.stringify(full, null, 2)}\n`, { mode: 0o644 });
}

/**
 * Decides whether `publicKey` may be answered for `id`. A key is pinned only after it has been
 * the only key offered for the instance during `settleMs`: a node re-publishes its request when
 * it finds it replaced, so an impostor racing a booting node shows up as a second key here, and
 * then neither is answered (an operator clears `keys/<id>.json` after checking the instance).
 */
export async function judgeKey(opts: {
  store: MailboxStore;
  macKey: Buffer;
  instanceId: string;
  publicKey: string;
  nonce: string;
  nowMs: number;
  settleMs: number;
}): Promise<KeyVerdict> {
  const { store, macKey, instanceId: id, publicKey, nowMs } = opts;
  const record = verified(await store.fetch(keyRecordPath(id)), id, macKey);
  const iso = new Date(nowMs).toISOString();
  if (!record) {
    const status = opts.settleMs <= 0 ? 'pinned' : 'pending';
    await write(store, { v: 1, instanceId: id, publicKey, firstSeen: iso, status, answered: [] }, macKey);
    return status === 'pinned' ? { status: 'pinned' } : { status: 'settling', sinceMs: 0 };
  }
  if (record.status === 'conflict') {
    return { status: 'conflict', reason: `two different public keys were offered for ${id} (first at ${record.firstSeen}); possible impersonation: nothing is answered until an operator removes keys/${id}.json` };
  }
  if (record.publicKey !== publicKey) {
    if (record.status === 'pinned') {
      return { status: 'conflict', reason: `another public key is registered for ${id} since ${record.firstSeen}; the first key wins` };
    }
    const { mac: _mac, ...rest } = record;
    await write(store, { ...rest, status: 'conflict' }, macKey);
    return { status: 'conflict', reason: `two different public keys were offered for ${id} within the settle window; possible impersonation: nothing is answered until an operator removes keys/${id}.json` };
  }
  if (record.answered.includes(opts.nonce)) return { status: 'replayed' };
  if (record.status === 'pinned') return { status: 'pinned' };
  const since = nowMs - Date.parse(record.firstSeen);
  if (since < opts.settleMs) return { status: 'settling', sinceMs: since };
  const { mac: _mac, ...rest } = record;
  await write(store, { ...rest, status: 'pinned' }, macKey);
  return { status: 'pinned' };
}

/** Records an answered nonce (and the verified kind) on the instance's record. */
export async function recordAnswer(store: MailboxStore, macKey: Buffer, id: string, nonce: string, kind: 'server' | 'worker'): Promise<void> {
  const record = verified(await store.fetch(keyRecordPath(id)), id, macKey);
  if (!record) return;
  const { mac: _mac, ...rest } = record;
  await write(store, { ...rest, kind, answered: [...record.answered, nonce].slice(-KEEP_NONCES) }, macKey);
}

/** Keys of instances the holder verified and answered as servers (records with a valid MAC). */
export async function verifiedKeys(store: MailboxStore, macKey: Buffer): Promise<{ instanceId: string; publicKey: string; kind?: 'server' | 'worker' }[]> {
  const out: { instanceId: string; publicKey: string; kind?: 'server' | 'worker' }[] = [];
  for (const name of await store.list('keys')) {
    if (!name.endsWith('.json')) continue;
    const id = name.slice(0, -'.json'.length);
    const r = verified(await store.fetch(keyRecordPath(id)), id, macKey);
    if (r && r.status === 'pinned') out.push({ instanceId: id, publicKey: r.publicKey, ...(r.kind ? { kind: r.kind } : {}) });
  }
  return out;
}
