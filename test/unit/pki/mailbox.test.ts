import { stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { Paths } from '../../../agent/core/paths.ts';
import { STATE } from '../../../agent/node/materials.ts';
import { DirMailboxStore } from '../../../agent/pki/dir-store.ts';
import { answerRequests } from '../../../agent/pki/holder.ts';
import { loadOrCreateMailboxKey, type MailboxRequest, refusedPath, requestMaterials, requestPath } from '../../../agent/pki/mailbox.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { clock, directory, holderMaterials, identityFor, testIdentityCerts, WORKER_ID } from './fixtures.ts';

describe('loadOrCreateMailboxKey', () => {
  it('creates the key once (0600) and returns the same key afterwards', async () => {
    const paths = new Paths(await tempDir());
    const first = await loadOrCreateMailboxKey(paths);
    expect(((await stat(paths.host(STATE.mailboxKey))).mode & 0o777).toString(8)).toBe('600');
    expect(await loadOrCreateMailboxKey(paths)).toEqual(first);
    expect(Buffer.from(first.publicKey, 'base64')).toHaveLength(32);
  });
});

describe('requestMaterials', () => {
  it('publishes the request and returns the bundle once the holder answers', async () => {
    const store = new DirMailboxStore(await tempDir());
    const c = clock();
    const keyPair = await loadOrCreateMailboxKey(new Paths(await tempDir()));
    const pending = requestMaterials({ store, instanceId: WORKER_ID, roles: ['nomad-client'], identity: identityFor(WORKER_ID), keyPair, clock: c, pollMs: 1_000 });
    await expect.poll(() => c.pendingSleeps()).toBe(1); // published, found no reply, now waiting
    const request = JSON.parse((await store.fetch(requestPath(WORKER_ID)))!.toString()) as MailboxRequest;
    expect(request).toMatchObject({ v: 1, instanceId: WORKER_ID, roles: ['nomad-client'], publicKey: keyPair.publicKey, time: '2026-06-01T12:00:00.000Z' });
    await answerRequests({ store, materials: await holderMaterials(), directory: directory(), cluster: 'demo', clock: c, identityCerts: testIdentityCerts(), settleMs: 0 });
    await c.advance(1_000);
    const bundle = await pending;
    expect(bundle).toMatchObject({ kind: 'worker', instanceId: WORKER_ID });
  });

  it('ignores a refusal of an older request and times out with HN_E_MAILBOX_TIMEOUT', async () => {
    const store = new DirMailboxStore(await tempDir());
    const c = clock();
    await store.publish(refusedPath(WORKER_ID), JSON.stringify({ v: 1, instanceId: WORKER_ID, nonce: 'old', reason: 'old reason', time: '' }), { mode: 0o644 });
    const keyPair = await loadOrCreateMailboxKey(new Paths(await tempDir()));
    const pending = requestMaterials({ store, instanceId: WORKER_ID, roles: ['nomad-client'], identity: identityFor(WORKER_ID), keyPair, clock: c, pollMs: 1_000, timeoutMs: 5_000 });
    const settled = pending.catch((err: unknown) => err);
    await expect.poll(() => c.pendingSleeps()).toBe(1);
    for (let i = 0; i < 6; i++) await c.advance(1_000);
    expect(await settled).toMatchObject({ code: 'HN_E_MAILBOX_TIMEOUT', message: /no reply to requests\/i-0bbbbbbbbbbbbbbb2\.json within 5 s/ });
  });

  it('refuses to build a request for something that is not an instance id', async () => {
    const store = new DirMailboxStore(await tempDir());
    const keyPair = await loadOrCreateMailboxKey(new Paths(await tempDir()));
    await expect(
      requestMaterials({ store, instanceId: '../etc', roles: [], identity: identityFor(WORKER_ID), keyPair, clock: clock() }),
    ).rejects.toMatchObject({ code: 'HN_E_PKI' });
  });
});
