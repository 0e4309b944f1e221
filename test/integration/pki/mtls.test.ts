import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CaMaterial, createCa } from '../../../agent/pki/ca.ts';
import { type IssuedCert, issueCert } from '../../../agent/pki/certs.ts';

// Real TLS handshakes over 127.0.0.1 with the issued files, checked the way Consul's
// verify_server_hostname and verify_incoming check them: the client wants server.dc1.consul, the
// server wants a certificate from the CA.

let ca: CaMaterial;
let server: IssuedCert;
let client: IssuedCert;
let cli: IssuedCert;
const servers: tls.Server[] = [];

beforeAll(async () => {
  ca = await createCa('consul');
  server = await issueCert(ca, { service: 'consul', role: 'server', dc: 'dc1' });
  client = await issueCert(ca, { service: 'consul', role: 'client', dc: 'dc1' });
  cli = await issueCert(ca, { service: 'consul', role: 'cli', dc: 'dc1' });
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A TLS server presenting `identity` that requires a client certificate from the CA. */
async function listen(identity: IssuedCert): Promise<{ port: number; seen: { authorized: boolean; peer: string; error?: string }[] }> {
  const seen: { authorized: boolean; peer: string; error?: string }[] = [];
  const s = tls.createServer({ key: identity.keyPem, cert: identity.certPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true }, (socket) => {
    seen.push({ authorized: socket.authorized, peer: String(socket.getPeerCertificate().subject?.CN ?? '') });
    socket.end('hello\n');
  });
  s.on('tlsClientError', (err) => seen.push({ authorized: false, peer: '', error: err.message }));
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { port: (s.address() as AddressInfo).port, seen };
}

function connect(port: number, opts: { cert?: IssuedCert; servername?: string }): Promise<{ ok: true; data: string } | { ok: false; error: NodeJS.ErrnoException }> {
  return new Promise((resolve) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      ca: ca.certPem,
      servername: opts.servername ?? 'server.dc1.consul',
      ...(opts.cert ? { cert: opts.cert.certPem, key: opts.cert.keyPem } : {}),
    });
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (d) => (data += d));
    socket.on('end', () => resolve({ ok: true, data }));
    socket.on('error', (error) => resolve({ ok: false, error }));
  });
}

describe('mutual TLS with the issued certificates', () => {
  it('a client checking server.dc1.consul accepts the server certificate, and the server accepts its client certificate', async () => {
    const { port, seen } = await listen(server);
    const r = await connect(port, { cert: client });
    expect(r).toEqual({ ok: true, data: 'hello\n' });
    expect(seen).toEqual([{ authorized: true, peer: 'client.dc1.consul' }]);
  });

  it('the operator CLI certificate is accepted as a client certificate', async () => {
    const { port, seen } = await listen(server);
    expect(await connect(port, { cert: cli })).toEqual({ ok: true, data: 'hello\n' });
    expect(seen[0]).toEqual({ authorized: true, peer: 'cli.dc1.consul' });
  });

  it('a client certificate presented as a server is rejected: its names do not include server.dc1.consul', async () => {
    const { port } = await listen(client);
    const r = await connect(port, { cert: client });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
      expect(r.error.message).toMatch(/server\.dc1\.consul/);
    }
  });

  it('a CLI certificate presented as a server is rejected too', async () => {
    const { port } = await listen(cli);
    const r = await connect(port, { cert: client });
    expect(r.ok).toBe(false);
  });

  it('a client certificate from another CA is refused by the server', async () => {
    const other = await createCa('consul');
    const stranger = await issueCert(other, { service: 'consul', role: 'client', dc: 'dc1' });
    const { port, seen } = await listen(server);
    const r = await connect(port, { cert: stranger });
    // TLS 1.3: the client may finish its half before the server judges it; either way it gets no data.
    expect(r.ok ? r.data : '').toBe('');
    await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(1);
    expect(seen[0]).toMatchObject({ authorized: false, error: expect.any(String) });
  });

  it('a client without a certificate is refused by the server', async () => {
    const { port, seen } = await listen(server);
    const r = await connect(port, {});
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toMatch(/CERTIFICATE_REQUIRED|ECONNRESET/);
    await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(1);
    expect(seen[0]).toMatchObject({ authorized: false, error: expect.stringMatching(/certificate/i) });
  });
});
