import { randomBytes } from 'node:crypto';

// Consul and Nomad gossip encryption keys: 32 random bytes, standard base64, as `consul keygen`.

export const GOSSIP_KEY_BYTES = 32;

export function newGossipKey(): string {
  return randomBytes(GOSSIP_KEY_BYTES).toString('base64');
}

export function isGossipKey(value: string): boolean {
  return /^[A-Za-z0-9+/]{43}=$/.test(value) && Buffer.from(value, 'base64').length === GOSSIP_KEY_BYTES;
}
