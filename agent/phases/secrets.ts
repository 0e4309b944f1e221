import { createHash, randomUUID } from 'node:crypto';

// Secrets the workflow chooses itself (ACL bootstrap secrets, token SecretIDs) are chosen BEFORE the
// call that makes them real and stored durably first: a crash right after the call then loses
// nothing, and a retry sends the same value, which the API either accepts or already knows.

export interface SecretKeeper {
  /** The stored value, or null when none is stored anywhere this keeper looks. */
  load(name: string): Promise<string | null>;
  /** Stores durably everywhere this keeper writes; idempotent by comparison. */
  save(name: string, value: string): Promise<void>;
}

/** The stored secret, or a fresh one; either way re-saved, so every copy exists before it is used. */
export async function chooseSecret(keeper: SecretKeeper, name: string, make: () => string = randomUUID): Promise<string> {
  const value = (await keeper.load(name)) ?? make();
  await keeper.save(name, value);
  return value;
}

/**
 * A token's AccessorID derived from its SecretID, so only the secret needs storing and a retried
 * create names the same token. One-way: the accessor (which Consul shows to anyone with acl:read)
 * reveals nothing of the secret.
 */
export function accessorFor(secretId: string): string {
  const h = createHash('sha256').update(`hashinode accessor ${secretId}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x40;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Several keepers as one: loads from the first that has the value, saves to all. */
export function combinedKeeper(...keepers: SecretKeeper[]): SecretKeeper {
  return {
    async load(name) {
      for (const k of keepers) {
        const v = await k.load(name);
        if (v !== null) return v;
      }
      return null;
    },
    async save(name, value) {
      for (const k of keepers) await k.save(name, value);
    },
  };
}
