import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../agent/core/clock.ts';
import { DirMailboxStore } from '../../../agent/pki/dir-store.ts';
import { answerRequests } from '../../../agent/pki/holder.ts';
import { buildRequest, type MailboxRequest, requestMaterials, requestPath } from '../../../agent/pki/mailbox.ts';
import { generateMailboxKeyPair } from '../../../agent/pki/seal.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { directory, holderMaterials, identityFor, SERVER_ID, testIdentityCerts } from '../../unit/pki/fixtures.ts';

// The identity document is public, so an impostor can copy a booting server's request with its own
// key. The real node notices its request was replaced and puts it back; the holder, seeing two keys
// inside its settle window, answers neither. No server bundle reaches the impostor.

describe('an impostor racing a booting server', () => {
  it('is detected: the server learns why, the impostor gets nothing', async () => {
    const store = new DirMailboxStore(await tempDir());
    const materials = await holderMaterials();
    const serverKey = generateMailboxKeyPair();
    const impostorKey = generateMailboxKeyPair();
    const asking = requestMaterials({ store, instanceId: SERVER_ID, roles: ['consul-server'], identity: identityFor(SERVER_ID), keyPair: serverKey, clock: systemClock, pollMs: 100, timeoutMs: 20_000 });
    const settled = asking.catch((e: unknown) => e);
    await expect.poll(async () => (await store.fetch(requestPath(SERVER_ID))) !== null).toBe(true);
    const holderPass = () =>
      answerRequests({ store, materials, directory: directory(), cluster: 'demo', clock: systemClock, identityCerts: testIdentityCerts(), settleMs: 600 });
    expect((await holderPass())[0]?.outcome).toBe('deferred'); // the server's key is settling

    // The impostor copies the public identity document into a request with its own key.
    const stolen = JSON.parse((await store.fetch(requestPath(SERVER_ID)))!.toString()) as MailboxRequest;
    const forged = buildRequest({ instanceId: SERVER_ID, roles: ['consul-server'], identity: { document: stolen.identityDocument, signature: stolen.identitySignature }, keyPair: impostorKey, clock: systemClock });
    await store.publish(requestPath(SERVER_ID), JSON.stringify(forged), { mode: 0o644 });
    const impostorSaw = await holderPass();

    // The real node puts its request back within its poll interval; the holder sees a second key.
    await expect.poll(async () => (await store.fetch(requestPath(SERVER_ID)))!.toString().includes(serverKey.publicKey), { timeout: 10_000 }).toBe(true);
    const reports = [...impostorSaw];
    let done = false;
    void settled.then(() => (done = true));
    for (let i = 0; i < 200 && !done; i++) {
      reports.push(...(await holderPass()));
      await systemClock.sleep(20);
    }
    // What must hold however the race went: nothing the holder wrote opens with the impostor's key.
    const sealed = await store.fetch(`replies/${SERVER_ID}.sealed`);
    if (sealed) {
      const { open } = await import('../../../agent/pki/seal.ts');
      expect(() => open(JSON.parse(sealed.toString()), impostorKey.privateKeyPem, SERVER_ID)).toThrow(/does not open/);
    }
    const outcome = await settled;
    if (impostorSaw.length > 0) {
      // The holder saw the forged request: it refused it, and from then on both keys.
      expect(impostorSaw[0]).toMatchObject({ outcome: 'refused', reason: expect.stringMatching(/two different public keys/) });
      expect(outcome).toMatchObject({ code: 'HN_E_MAILBOX_REFUSED', message: expect.stringMatching(/two different public keys|possible impersonation/) });
      expect(reports.some((r) => r.outcome === 'sealed')).toBe(false);
    } else {
      // The real node restored its request before the holder looked: it gets its own bundle.
      expect(outcome).toMatchObject({ kind: 'server', instanceId: SERVER_ID });
    }
  });
});
