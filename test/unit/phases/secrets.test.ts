import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLog } from '../../../agent/core/log.ts';
import { Paths } from '../../../agent/core/paths.ts';
import { localKeeper, localSecretPath, sharedSealedKeeper } from '../../../agent/phases/keepers.ts';
import { accessorFor, chooseSecret, combinedKeeper, type SecretKeeper } from '../../../agent/phases/secrets.ts';
import { generateMailboxKeyPair } from '../../../agent/pki/seal.ts';
import { SharedStore } from '../../../agent/shared/store.ts';
import { readFile, stat } from 'node:fs/promises';
import { tempDir } from '../../helpers/tmp.ts';

function memoryKeeper(): SecretKeeper & { values: Map<string, string>; saves: number } {
  const values = new Map<string, string>();
  const k = {
    values,
    saves: 0,
    async load(name: string) {
      return values.get(name) ?? null;
    },
    async save(name: string, value: string) {
      k.saves++;
      values.set(name, value);
    },
  };
  return k;
}

describe('chosen secrets', () => {
  it('chooses once and re-saves the stored value on every call', async () => {
    const k = memoryKeeper();
    const a = await chooseSecret(k, 'consulManagement');
    const b = await chooseSecret(k, 'consulManagement');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b).toBe(a);
    expect(k.saves).toBe(2);
  });

  it('the accessor is a stable v4-shaped UUID that differs from the secret', () => {
    const s = '5f3a1c2e-1111-4222-8333-444455556666';
    expect(accessorFor(s)).toBe(accessorFor(s));
    expect(accessorFor(s)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(accessorFor(s)).not.toBe(s);
    expect(accessorFor(`${s}x`)).not.toBe(accessorFor(s));
  });

  it('a combined keeper loads from the first that has it and saves to all', async () => {
    const a = memoryKeeper();
    const b = memoryKeeper();
    b.values.set('x', 'from-b');
    const both = combinedKeeper(a, b);
    expect(await both.load('x')).toBe('from-b');
    await both.save('y', 'v');
    expect([a.values.get('y'), b.values.get('y')]).toEqual(['v', 'v']);
  });
});

describe('keepers', () => {
  it.each([
    ['consulManagement', '/var/lib/hashinode/secrets/consul-management.token'],
    ['nomadManagement', '/var/lib/hashinode/secrets/nomad-management.token'],
    ['consulGossipKey', '/var/lib/hashinode/secrets/consul-gossip.key'],
    ['vaultStorage', '/var/lib/hashinode/secrets/vault-storage.token'],
    ['consulClientAgent', '/var/lib/hashinode/secrets/consul-client-agent.token'],
  ])('%s is kept at %s', (name, file) => {
    expect(localSecretPath(name)).toBe(file);
  });

  it('the local keeper writes 0600 files with a newline and reads them back trimmed', async () => {
    const root = await tempDir();
    const k = localKeeper(new Paths(root));
    await k.save('consulManagement', 'abc');
    const file = path.join(root, 'var/lib/hashinode/secrets/consul-management.token');
    expect(await readFile(file, 'utf8')).toBe('abc\n');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await k.load('consulManagement')).toBe('abc');
    expect(await k.load('nomadManagement')).toBeNull();
  });

  it('the shared keeper seals only to this node and to servers the holder verified, never to a request claiming a server role', async () => {
    const dir = await tempDir();
    const store = new SharedStore(dir, { log: silentLog() });
    const me = generateMailboxKeyPair();
    const server = generateMailboxKeyPair();
    const impostor = generateMailboxKeyPair();
    // Anyone can write the shared disk: a worker posing as a server with its own key.
    await store.publish('requests/i-0c.json', JSON.stringify({ roles: ['consul-server'], publicKey: impostor.publicKey }));
    const mine = sharedSealedKeeper({
      store,
      instanceId: 'i-0a',
      keyPair: me,
      trustedServers: async () => [
        { id: 'i-0a', publicKey: me.publicKey },
        { id: 'i-0b', publicKey: server.publicKey },
      ],
    });
    await mine.save('consulManagement', 'top-secret');
    expect(await store.list('secrets/consulManagement')).toEqual(['i-0a.sealed', 'i-0b.sealed']);
    const raw = (await store.fetch('secrets/consulManagement/i-0a.sealed'))!.toString('utf8');
    expect(raw).not.toContain('top-secret');
    expect(await mine.load('consulManagement')).toBe('top-secret');
    const theirs = sharedSealedKeeper({ store, instanceId: 'i-0b', keyPair: server });
    expect(await theirs.load('consulManagement')).toBe('top-secret');
    const posing = sharedSealedKeeper({ store, instanceId: 'i-0c', keyPair: impostor });
    expect(await posing.load('consulManagement')).toBeNull();
    expect(await mine.load('nomadManagement')).toBeNull();
  });

  it('without trusted servers the shared keeper seals to this node only', async () => {
    const dir = await tempDir();
    const store = new SharedStore(dir, { log: silentLog() });
    const me = generateMailboxKeyPair();
    const other = generateMailboxKeyPair();
    await store.publish('requests/i-0b.json', JSON.stringify({ roles: ['consul-server'], publicKey: other.publicKey }));
    await sharedSealedKeeper({ store, instanceId: 'i-0a', keyPair: me }).save('nomadManagement', 'n-secret');
    expect(await store.list('secrets/nomadManagement')).toEqual(['i-0a.sealed']);
  });
});
