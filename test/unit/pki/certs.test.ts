import { X509Certificate, createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCa } from '../../../agent/pki/ca.ts';
import { issueCert } from '../../../agent/pki/certs.ts';

describe('issueCert', () => {
  it('signs a 1-year leaf with the CA, carrying the profile names', async () => {
    const ca = await createCa('consul');
    const now = new Date(Date.UTC(2026, 2, 1));
    const leaf = await issueCert(ca, { service: 'consul', role: 'server', dc: 'dc1', ips: ['10.0.0.5'], now });
    const cert = new X509Certificate(leaf.certPem);
    const caCert = new X509Certificate(ca.certPem);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.subject).toBe('CN=server.dc1.consul');
    expect(cert.subjectAltName).toBe('DNS:server.dc1.consul, DNS:localhost, IP Address:127.0.0.1, IP Address:10.0.0.5');
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(new Date(cert.validTo).getTime() - new Date(cert.validFrom).getTime()).toBe(365 * 86_400_000);
    expect(cert.checkPrivateKey(createPrivateKey(leaf.keyPem))).toBe(true);
    expect(leaf.keyPem).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
  });

  it('a CLI certificate is for client authentication only', async () => {
    const ca = await createCa('nomad');
    const cert = new X509Certificate((await issueCert(ca, { service: 'nomad', role: 'cli' })).certPem);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(cert.subject).toBe('CN=cli.global.nomad');
  });

  it('refuses to sign with another service CA', async () => {
    const ca = await createCa('nomad');
    await expect(issueCert(ca, { service: 'consul', role: 'server' })).rejects.toMatchObject({ code: 'HN_E_PKI' });
  });
});
