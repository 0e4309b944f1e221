import type { Role } from '../node/types.ts';

// The mailbox's files on the shared store. Nothing here is secret: requests carry a public key and
// AWS's identity document, refusals a reason, replies are sealed, key records a public key.

export interface MailboxStore {
  publish(rel: string, data: string | Buffer, opts: { mode: number }): Promise<unknown>;
  fetch(rel: string): Promise<Buffer | null>;
  /** Names (not paths) in a directory; [] when it does not exist. */
  list(relDir: string): Promise<string[]>;
}

export interface MailboxRequest {
  v: 1;
  instanceId: string;
  roles: Role[];
  /** X25519 public key: base64 raw 32 bytes (or PEM SPKI). */
  publicKey: string;
  identityDocument: string;
  identitySignature: string;
  /** Random, unique per request: replies name the nonce they answer. */
  nonce: string;
  /** ISO time on the requester's clock. */
  time: string;
}

export interface Refusal {
  v: 1;
  instanceId: string;
  nonce: string;
  reason: string;
  time: string;
}

/** First public key seen for an instance id, and the nonces answered for it (MAC'd by the holder). */
export interface KeyRecord {
  v: 1;
  instanceId: string;
  publicKey: string;
  firstSeen: string;
  /** pending: seen, inside the settle window; pinned: answerable; conflict: two keys were offered. */
  status: 'pending' | 'pinned' | 'conflict';
  /** The bundle kind the holder verified and answered with. */
  kind?: 'server' | 'worker';
  answered: string[];
  /** HMAC-SHA256 under a key only CA holders can derive (see key-records.ts). */
  mac: string;
}

export const MAILBOX_DIRS = { requests: 'requests', replies: 'replies', keys: 'keys' } as const;

export const requestPath = (id: string) => `${MAILBOX_DIRS.requests}/${id}.json`;
export const sealedPath = (id: string) => `${MAILBOX_DIRS.replies}/${id}.sealed`;
export const refusedPath = (id: string) => `${MAILBOX_DIRS.replies}/${id}.refused`;
export const keyRecordPath = (id: string) => `${MAILBOX_DIRS.keys}/${id}.json`;

/** Instance ids become file names: only the shape EC2 uses is accepted. */
export function isInstanceId(value: unknown): value is string {
  return typeof value === 'string' && /^i-[0-9a-zA-Z]{1,32}$/.test(value);
}
