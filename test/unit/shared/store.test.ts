import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isHashinodeError } from '../../../agent/core/errors.ts';
import { silentLog } from '../../../agent/core/log.ts';
import { SharedStore } from '../../../agent/shared/store.ts';
import { tempDir } from '../../helpers/tmp.ts';

const newStore = async () => new SharedStore(await tempDir(), { log: silentLog() });

describe('SharedStore', () => {
  it('publish then fetch returns the same bytes with the requested mode, leaving no temp file', async () => {
    const store = await newStore();
    await store.publish('ca/consul-agent-ca.pem', 'PEM\n', { mode: 0o640 });
    expect((await store.fetch('ca/consul-agent-ca.pem'))?.toString()).toBe('PEM\n');
    expect((await stat(store.resolve('ca/consul-agent-ca.pem'))).mode & 0o777).toBe(0o640);
    expect(await readdir(store.resolve('ca'))).toEqual(['consul-agent-ca.pem']);
  });

  it('publish replaces existing content; the default mode is 0644', async () => {
    const store = await newStore();
    await store.publish('dnsmasq.conf', 'one');
    await store.publish('dnsmasq.conf', 'two');
    expect((await store.fetch('dnsmasq.conf'))?.toString()).toBe('two');
    expect((await stat(store.resolve('dnsmasq.conf'))).mode & 0o777).toBe(0o644);
  });

  it('exclusive publish creates once and never overwrites', async () => {
    const store = await newStore();
    expect(await store.publish('ca/created', 'first', { exclusive: true })).toEqual({ created: true });
    expect(await store.publish('ca/created', 'second', { exclusive: true })).toEqual({ created: false });
    expect((await store.fetch('ca/created'))?.toString()).toBe('first');
    expect(await store.list('ca')).toEqual(['created']);
  });

  it('fetch of a missing file is null; list of a missing directory is empty; list is sorted', async () => {
    const store = await newStore();
    expect(await store.fetch('nope/x')).toBeNull();
    expect(await store.list('nope')).toEqual([]);
    for (const n of ['b', 'a', 'c']) await store.publish(`mailbox/${n}`, n);
    expect(await store.list('mailbox')).toEqual(['a', 'b', 'c']);
  });

  it('remove deletes a file once; removing again is not an error', async () => {
    const store = await newStore();
    await store.publish('mailbox/req-1.json', '{}');
    expect(await store.remove('mailbox/req-1.json')).toBe(true);
    expect(await store.remove('mailbox/req-1.json')).toBe(false);
    expect(await store.fetch('mailbox/req-1.json')).toBeNull();
  });

  it.each(['../escape', '/etc/passwd', 'a/../../b'])('refuses %s, which leaves the store', async (rel) => {
    const store = await newStore();
    await expect(store.publish(rel, 'x')).rejects.toThrow(/leaves/);
  });

  it('publishing under a file (not a directory) is HN_E_SHARED_UNAVAILABLE naming the path', async () => {
    const store = await newStore();
    await store.publish('file', 'x');
    await expect(store.publish('file/child', 'y')).rejects.toSatisfy(
      (e) => isHashinodeError(e, 'HN_E_SHARED_UNAVAILABLE') && (e as Error).message.includes(path.join(store.dir, 'file', 'child')),
    );
  });

  it('watch reports adds and changes by polling at the given interval, and ignores temp files', async () => {
    const store = await newStore();
    await store.publish('mailbox/.keep', '');
    const events: string[] = [];
    const w = await store.watch('mailbox', (event, rel) => events.push(`${event} ${rel}`), { intervalMs: 50 });
    await w.ready;
    await store.publish('mailbox/req-1.json', '{}');
    await waitFor(() => events.includes('add mailbox/req-1.json'));
    await new Promise((r) => setTimeout(r, 120));
    await store.publish('mailbox/req-1.json', '{"more":true}');
    await waitFor(() => events.includes('change mailbox/req-1.json'));
    await w.close();
    expect(events.filter((e) => e.includes('.tmp'))).toEqual([]);
  });
});

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
