import type { Paths } from '../core/paths.ts';
import { STATE } from '../node/materials.ts';
import { tokenPath } from '../pki/bundle.ts';
import type { MailboxKeyPair } from '../pki/seal.ts';
import type { SharedStore } from '../shared/store.ts';
import { readOptional, writeDurable } from './durable.ts';
import type { SecretKeeper } from './secrets.ts';

// Where chosen secrets are kept. Locally: 0600 files in /var/lib/hashinode/secrets, at the same
// paths the mailbox bundle installs them (so a server that received them and one that chose them
// look alike). On the shared disk: sealed to this node's mailbox key and to every server that has
// asked the mailbox, so losing this node loses no secret; never plaintext on EFS.

const LOCAL_NAMES: Record<string, string> = {
  consulGossipKey: STATE.consulGossipKey,
  nomadGossipKey: STATE.nomadGossipKey,
  vaultStorage: STATE.vaultStorageToken,
};

export function localSecretPath(name: string): string {
  return LOCAL_NAMES[name] ?? tokenPath(name);
}

export function localKeeper(paths: Paths): SecretKeeper {
  return {
    async load(name) {
      const v = (await readOptional(paths.host(localSecretPath(name))))?.trim();
      return v ? v : null;
    },
    async save(name, value) {
      const file = paths.host(localSecretPath(name));
      if ((await readOptional(file))?.trim() === value) return;
      await writeDurable(file, `${value}\n`, 0o600);
    },
  };
}

/** A server the CA holder verified (AWS signature, EC2 tags) and answered; its key is pinned. */
export interface TrustedServer {
  id: string;
  publicKey: string;
}

/**
 * Sealed copies under `secrets/<name>/<instance>.sealed` on the shared store: one for this node,
 * and one for every server in `trustedServers`. Those must come from the holder's verified key
 * records (MAC'd with a CA-derived key), never from what a request claims: anyone can write a
 * request with roles ["consul-server"] and its own key.
 */
export function sharedSealedKeeper(opts: {
  store: SharedStore;
  instanceId: string;
  keyPair: MailboxKeyPair;
  trustedServers?: () => Promise<TrustedServer[]>;
}): SecretKeeper {
  const rel = (name: string, id: string) => `secrets/${name}/${id}.sealed`;
  const recipients = async (): Promise<TrustedServer[]> => {
    const others = ((await opts.trustedServers?.()) ?? []).filter((s) => s.id !== opts.instanceId);
    return [{ id: opts.instanceId, publicKey: opts.keyPair.publicKey }, ...others];
  };
  return {
    async load(name) {
      const raw = await opts.store.fetch(rel(name, opts.instanceId));
      if (!raw) return null;
      const { open } = await import('../pki/seal.ts');
      return open(JSON.parse(raw.toString('utf8')), opts.keyPair.privateKeyPem, opts.instanceId).toString('utf8');
    },
    async save(name, value) {
      const { seal, open } = await import('../pki/seal.ts');
      for (const r of await recipients()) {
        if (r.id === opts.instanceId) {
          const raw = await opts.store.fetch(rel(name, r.id));
          if (raw) {
            try {
              if (open(JSON.parse(raw.toString('utf8')), opts.keyPair.privateKeyPem, r.id).toString('utf8') === value) continue;
            } catch {
              // unreadable: replace it
            }
          }
        } else if (await opts.store.fetch(rel(name, r.id))) {
          continue;
        }
        const box = seal(value, r.publicKey, { instanceId: r.id, nonce: `secret:${name}` });
        await opts.store.publish(rel(name, r.id), `${JSON.stringify(box)}\n`, { mode: 0o644 });
      }
    },
  };
}
