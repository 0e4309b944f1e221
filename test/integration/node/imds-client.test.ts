import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type Clock, ManualClock } from '../../../agent/core/clock.ts';
import { nodeHttp } from '../../../agent/core/http.ts';
import { ImdsClient, type ImdsClientOptions } from '../../../agent/node/imds.ts';
import { drive } from '../../fakes/clock-driver.ts';
import { type FakeImds, type FakeImdsOptions, startFakeImds } from '../../fakes/imds.ts';

let fake: FakeImds | undefined;
const servers: http.Server[] = [];
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

async function setup(fakeOpts: FakeImdsOptions = {}, clientOpts: Partial<ImdsClientOptions> = {}) {
  const clock = new ManualClock();
  fake = await startFakeImds({ clock, ...fakeOpts });
  const client = new ImdsClient({ endpoint: fake.url, http: nodeHttp, clock, backoff: { baseMs: 100, capMs: 400, random: () => 0.5 }, ...clientOpts });
  return { clock, client, fake };
}

/** A server answering every request with `status` (for protocol violations the fake never makes). */
async function fixedServer(status: number): Promise<string> {
  const s = http.createServer((_req, res) => {
    res.writeHead(status);
    res.end('x');
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

describe('ImdsClient (IMDSv2)', () => {
  it('reads items with a token, null for 404, and never sends a GET without a token', async () => {
    const { client, fake } = await setup({ instance: { instanceId: 'i-0aaaaaaaaaaaaaaaa' } });
    expect(await client.get('meta-data/instance-id')).toBe('i-0aaaaaaaaaaaaaaaa');
    expect(await client.get('meta-data/spot/instance-action')).toBeNull();
    expect(fake.requests.filter((r) => r.method === 'GET').every((r) => r.withToken)).toBe(true);
    expect(fake.requests[0]).toMatchObject({ method: 'PUT', path: 'api/token' });
  });

  it('shares one token fetch among concurrent callers', async () => {
    const { client, fake } = await setup();
    fake.injectFault({ kind: 'latency', ms: 50, count: 1, path: 'api/token' });
    const paths = ['instance-id', 'local-ipv4', 'mac', 'ami-id', 'instance-type', 'placement/region', 'placement/availability-zone', 'hostname'];
    const values = await Promise.all(paths.map((p) => client.get(`meta-data/${p}`)));
    expect(values.every((v) => typeof v === 'string' && v.length > 0)).toBe(true);
    expect(fake.tokensIssued).toBe(1);
  });

  it('reuses the token until shortly before its TTL ends, then fetches a new one', async () => {
    const { client, fake, clock } = await setup({}, { tokenTtlSeconds: 600 });
    await client.get('meta-data/instance-id');
    await clock.advance(530_000); // renews 60 s before the end
    await client.get('meta-data/instance-id');
    expect(fake.tokensIssued).toBe(1);
    await clock.advance(15_000);
    await client.get('meta-data/instance-id');
    expect(fake.tokensIssued).toBe(2);
    expect(fake.requests.filter((r) => r.status === 401)).toHaveLength(0);
  });

  it('on 401 mid-run (token expired or forgotten) fetches a new token and retries once', async () => {
    const { client, fake } = await setup();
    await client.get('meta-data/instance-id');
    fake.invalidateTokens();
    expect(await client.get('meta-data/local-ipv4')).toBe('10.0.1.10');
    expect(fake.tokensIssued).toBe(2);
    expect(fake.requests.map((r) => r.status)).toEqual([200, 200, 401, 200, 200]);
  });

  it('a token that IMDS considers expired mid-run (its clock ran ahead) is replaced once, transparently', async () => {
    const imdsClock = new ManualClock();
    fake = await startFakeImds({ clock: imdsClock });
    const client = new ImdsClient({ endpoint: fake.url, http: nodeHttp, clock: new ManualClock(), tokenTtlSeconds: 300 });
    expect(await client.get('meta-data/instance-id')).toBe(fake.instance.instanceId);
    await imdsClock.advance(300_000); // e.g. the VM was suspended: our clock did not move, IMDS's did
    expect(await client.get('meta-data/local-ipv4')).toBe('10.0.1.10');
    expect(fake.tokensIssued).toBe(2);
    expect(fake.requests.map((r) => `${r.method} ${r.status}`)).toEqual(['PUT 200', 'GET 200', 'GET 401', 'PUT 200', 'GET 200']);
  });

  it('when a fresh token is rejected too, fails with HN_E_IMDS_BAD_RESPONSE instead of looping', async () => {
    // The fake's clock leaps a day on every reading, so every token is expired when used.
    let t = 0;
    const leaping: Clock = { now: () => Date.now(), monotonic: () => (t += 86_400_000), sleep: async () => {} };
    fake = await startFakeImds({ clock: leaping });
    const client = new ImdsClient({ endpoint: fake.url, http: nodeHttp, clock: new ManualClock() });
    await expect(client.get('meta-data/instance-id')).rejects.toMatchObject({ code: 'HN_E_IMDS_BAD_RESPONSE', message: expect.stringContaining('fresh') });
    expect(fake.tokensIssued).toBe(2);
  });

  it('fails fast on 403 with HN_E_IMDS_FORBIDDEN naming the endpoint', async () => {
    const { client, fake } = await setup({ disabled: true });
    const err = await client.get('meta-data/instance-id').catch((e) => e);
    expect(err).toMatchObject({ code: 'HN_E_IMDS_FORBIDDEN', exitCode: 20 });
    expect(err.message).toContain('IMDS is disabled or blocked for this instance');
    expect(err.message).toContain(fake.url);
    expect(fake.requests).toHaveLength(1);
  });

  it('retries 503 bursts and dropped connections with backoff on the injected clock', async () => {
    const { client, fake, clock } = await setup();
    fake.injectFault({ kind: '503', count: 3, path: 'meta-data/instance-id' });
    fake.injectFault({ kind: 'drop', count: 1, path: 'api/token' });
    const t0 = clock.monotonic();
    expect(await drive(clock, client.get('meta-data/instance-id'))).toBe(fake.instance.instanceId);
    // backoff with jitter 0.5: 75 + 150 + 300 + 300 ms (cap 400), in manual time
    expect(clock.monotonic() - t0).toBeGreaterThanOrEqual(75 + 150 + 300 + 300);
    expect(fake.requests.map((r) => r.status)).toEqual([0, 200, 503, 503, 503, 200]);
  });

  it('gives up with HN_E_IMDS_UNREACHABLE once the deadline passes (503 forever)', async () => {
    const { client, fake, clock } = await setup({}, { deadlineMs: 3000 });
    fake.injectFault({ kind: '503', count: 1000, path: 'meta-data/' });
    const err = await drive(clock, client.get('meta-data/instance-id')).catch((e) => e);
    expect(err).toMatchObject({ code: 'HN_E_IMDS_UNREACHABLE', exitCode: 21 });
    expect(err.message).toMatch(/within 3000 ms \(\d+ attempts; last: 503 on GET meta-data\/instance-id\)/);
    expect(clock.monotonic()).toBeLessThanOrEqual(1_000 + 3000 + 50);
  });

  it('times out slow answers per request and retries within the deadline', async () => {
    const { client, fake, clock } = await setup({}, { requestTimeoutMs: 100, deadlineMs: 5000 });
    fake.injectFault({ kind: 'latency', ms: 1500, count: 2, path: 'meta-data/mac' });
    expect(await drive(clock, client.get('meta-data/mac'))).toBe('0a:1b:2c:3d:4e:5f');
    fake.injectFault({ kind: 'latency', ms: 1500, path: 'meta-data/mac' });
    const err = await drive(clock, client.get('meta-data/mac'), 400).catch((e) => e);
    expect(err).toMatchObject({ code: 'HN_E_IMDS_UNREACHABLE' });
    expect(err.message).toContain('last: timeout');
  });

  it('treats a refused connection as transient until the deadline', async () => {
    const clock = new ManualClock();
    const closed = await fixedServer(200);
    await new Promise((r) => servers.pop()!.close(r));
    const client = new ImdsClient({ endpoint: closed, http: nodeHttp, clock, deadlineMs: 1000 });
    const err = await drive(clock, client.get('meta-data/instance-id')).catch((e) => e);
    expect(err).toMatchObject({ code: 'HN_E_IMDS_UNREACHABLE' });
    expect(err.message).toContain('connect');
  });

  it('caps the response size', async () => {
    const { client } = await setup({ userData: 'x'.repeat(5000) }, { maxResponseBytes: 1024 });
    await expect(client.get('user-data')).rejects.toMatchObject({ code: 'HN_E_IMDS_BAD_RESPONSE', message: expect.stringContaining('1024 bytes') });
  });

  it.each([404, 405])('refuses an endpoint that answers the token PUT with %i (no IMDSv1 fallback)', async (status) => {
    const client = new ImdsClient({ endpoint: await fixedServer(status), http: nodeHttp, clock: new ManualClock() });
    await expect(client.get('meta-data/instance-id')).rejects.toMatchObject({ code: 'HN_E_IMDS_BAD_RESPONSE', message: expect.stringContaining('IMDSv1 is never used') });
  });

  it('rejects a token TTL outside 1..21600', () => {
    expect(() => new ImdsClient({ endpoint: 'http://x', http: nodeHttp, clock: new ManualClock(), tokenTtlSeconds: 21601 })).toThrow(/1\.\.21600/);
  });
});
