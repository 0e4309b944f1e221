import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CaMaterial, createCa } from '../../../agent/pki/ca.ts';
import { type CertRequest, issueCert } from '../../../agent/pki/certs.ts';
import { tempDir } from '../../helpers/tmp.ts';

// The real openssl judges what we make: chains, host names, IPs, purposes and the key format an
// operator's `consul tls cert create` or `openssl ec` will read.

const run = promisify(execFile);

async function openssl(args: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    const { stdout, stderr } = await run('openssl', args, { timeout: 20_000 });
    return { ok: true, out: stdout + stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

const cas: Partial<Record<CaMaterial['service'], CaMaterial>> = {};
async function files(name: string, req: CertRequest): Promise<{ cert: string; key: string; ca: string }> {
  const ca = cas[req.service]!;
  const leaf = await issueCert(ca, req);
  const base = path.join(await tempDir('hashinode-openssl-'), name);
  await writeFile(`${base}.pem`, leaf.certPem);
  await writeFile(`${base}-key.pem`, leaf.keyPem, { mode: 0o600 });
  await writeFile(`${base}-ca.pem`, ca.certPem);
  return { cert: `${base}.pem`, key: `${base}-key.pem`, ca: `${base}-ca.pem` };
}

beforeAll(async () => {
  for (const s of ['consul', 'nomad', 'vault'] as const) cas[s] = await createCa(s);
});

describe('openssl verifies what pki issues', () => {
  const leaves: { name: string; req: CertRequest; host: string; ip?: string; purpose: 'sslserver' | 'sslclient' }[] = [
    { name: 'consul-server', req: { service: 'consul', role: 'server', dc: 'dc1', node: 'n1', ips: ['10.0.0.5'] }, host: 'server.dc1.consul', ip: '10.0.0.5', purpose: 'sslserver' },
    { name: 'consul-cli', req: { service: 'consul', role: 'cli' }, host: 'cli.dc1.consul', purpose: 'sslclient' },
    { name: 'nomad-server', req: { service: 'nomad', role: 'server', ips: ['10.0.0.6'] }, host: 'server.global.nomad', ip: '10.0.0.6', purpose: 'sslserver' },
    { name: 'nomad-client', req: { service: 'nomad', role: 'client' }, host: 'client.global.nomad', ip: '127.0.0.1', purpose: 'sslclient' },
    { name: 'nomad-cli', req: { service: 'nomad', role: 'cli' }, host: 'cli.global.nomad', purpose: 'sslclient' },
    { name: 'vault-server', req: { service: 'vault', role: 'server', ips: ['10.0.0.7'] }, host: 'active.vault.service.consul', ip: '10.0.0.7', purpose: 'sslserver' },
  ];

  it.each(leaves)('$name: chain, name, IP and purpose verify', async ({ name, req, host, ip, purpose }) => {
    const f = await files(name, req);
    const base = ['verify', '-CAfile', f.ca, '-purpose', purpose, '-verify_hostname', host];
    const r = await openssl([...base, ...(ip ? ['-verify_ip', ip] : []), f.cert]);
    expect(r.out).toContain(': OK');
    expect(r.ok).toBe(true);
  });

  it.each(leaves)('$name: key is SEC1 P-256 and valid', async ({ name, req }) => {
    const f = await files(`${name}-key`, req);
    const check = await openssl(['ec', '-in', f.key, '-check', '-noout']);
    expect(check.out).toContain('EC Key valid.');
    const text = await openssl(['ec', '-in', f.key, '-noout', '-text']);
    expect(text.out).toContain('ASN1 OID: prime256v1');
    const { readFile } = await import('node:fs/promises');
    expect((await readFile(f.key, 'utf8')).startsWith('-----BEGIN EC PRIVATE KEY-----')).toBe(true);
  });

  it('key usages: CA signs certificates; leaves sign and encipher, for server and client auth; CLI for client auth only', async () => {
    const server = await files('ku-server', { service: 'consul', role: 'server' });
    const cli = await files('ku-cli', { service: 'consul', role: 'cli' });
    const ext = 'basicConstraints,keyUsage,extendedKeyUsage';
    const caText = (await openssl(['x509', '-in', server.ca, '-noout', '-ext', ext])).out;
    expect(caText).toMatch(/Basic Constraints: critical\s+CA:TRUE/);
    expect(caText).toMatch(/Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/);
    const leafText = (await openssl(['x509', '-in', server.cert, '-noout', '-ext', ext])).out;
    expect(leafText).toMatch(/CA:FALSE/);
    expect(leafText).toMatch(/Key Usage: critical\s+Digital Signature, Key Encipherment/);
    expect(leafText).toMatch(/Extended Key Usage:\s+TLS Web Server Authentication, TLS Web Client Authentication/);
    const cliText = (await openssl(['x509', '-in', cli.cert, '-noout', '-ext', ext])).out;
    expect(cliText).toMatch(/Extended Key Usage:\s+TLS Web Client Authentication\s*$/);
  });

  it.each([
    ['a client certificate checked as server.dc1.consul', { service: 'consul', role: 'client' }, ['-verify_hostname', 'server.dc1.consul'], /hostname mismatch/],
    ['a CLI certificate used as a server', { service: 'consul', role: 'cli' }, ['-purpose', 'sslserver'], /unsuitable certificate purpose/],
    ['a Nomad client certificate checked as server.global.nomad', { service: 'nomad', role: 'client' }, ['-verify_hostname', 'server.global.nomad'], /hostname mismatch/],
  ] as [string, CertRequest, string[], RegExp][])('openssl refuses %s', async (name, req, extra, message) => {
    const f = await files(name.replace(/\W+/g, '-'), req);
    const r = await openssl(['verify', '-CAfile', f.ca, ...extra, f.cert]);
    expect(r.ok).toBe(false);
    expect(r.out).toMatch(message);
  });

  it('a certificate does not verify against another CA', async () => {
    const f = await files('other-ca', { service: 'consul', role: 'server' });
    const other = await createCa('consul');
    const otherCa = path.join(path.dirname(f.cert), 'foreign-ca.pem');
    await writeFile(otherCa, other.certPem);
    const r = await openssl(['verify', '-CAfile', otherCa, f.cert]);
    expect(r.ok).toBe(false);
    expect(r.out).toMatch(/unable to get local issuer certificate/);
  });
});
