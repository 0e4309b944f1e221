import { X509Certificate, createPrivateKey } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { caFileNames, createCa, loadCaFromDir } from '../../../agent/pki/ca.ts';
import { tempDir } from '../../helpers/tmp.ts';

describe('createCa', () => {
  it('makes a 5-year ECDSA P-256 CA with the subject consul tls ca create uses', async () => {
    const now = new Date(Date.UTC(2026, 0, 1));
    const ca = await createCa('consul', { now });
    const cert = new X509Certificate(ca.certPem);
    expect(cert.ca).toBe(true);
    expect(cert.subject).toMatch(/^C=US\nO=HashiCorp Inc\.\nL=San Francisco\nST=CA\nstreet=101 Second Street\npostalCode=94105\nCN=Consul Agent CA \d+$/);
    expect(cert.issuer).toBe(cert.subject);
    expect(new Date(cert.validFrom).getTime()).toBe(now.getTime());
    expect(new Date(cert.validTo).getTime()).toBe(now.getTime() + 5 * 365 * 86_400_000);
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(cert.verify(cert.publicKey)).toBe(true);
    // The CN carries the serial number in decimal, as Consul's does.
    expect(cert.subject.split('CN=Consul Agent CA ')[1]).toBe(BigInt(`0x${cert.serialNumber}`).toString(10));
  });

  it('exports the key as SEC1 EC PRIVATE KEY matching the certificate', async () => {
    const ca = await createCa('nomad');
    expect(ca.keyPem.startsWith('-----BEGIN EC PRIVATE KEY-----\n')).toBe(true);
    const key = createPrivateKey(ca.keyPem);
    expect(new X509Certificate(ca.certPem).checkPrivateKey(key)).toBe(true);
    expect(new X509Certificate(ca.certPem).subject).toMatch(/CN=Nomad Agent CA \d+/);
  });

  it.each([
    ['consul', 'consul-agent-ca.pem', 'consul-agent-ca-key.pem'],
    ['nomad', 'nomad-agent-ca.pem', 'nomad-agent-ca-key.pem'],
    ['vault', 'vault-agent-ca.pem', 'vault-agent-ca-key.pem'],
  ] as const)('%s CA files are named %s and %s', (service, cert, key) => {
    expect(caFileNames(service)).toEqual({ cert, key });
  });
});

describe('loadCaFromDir', () => {
  it('loads a CA written by createCa', async () => {
    const dir = await tempDir();
    const ca = await createCa('consul');
    await writeFile(path.join(dir, 'consul-agent-ca.pem'), ca.certPem);
    await writeFile(path.join(dir, 'consul-agent-ca-key.pem'), ca.keyPem);
    expect((await loadCaFromDir(dir, 'consul')).certPem).toBe(ca.certPem);
  });

  it('refuses a key that belongs to another CA', async () => {
    const dir = await tempDir();
    const [a, b] = [await createCa('consul'), await createCa('consul')];
    await writeFile(path.join(dir, 'consul-agent-ca.pem'), a.certPem);
    await writeFile(path.join(dir, 'consul-agent-ca-key.pem'), b.keyPem);
    await expect(loadCaFromDir(dir, 'consul')).rejects.toMatchObject({ code: 'HN_E_CERT_INVALID', message: /does not match/ });
  });

  it('names the missing file', async () => {
    const dir = await tempDir();
    await expect(loadCaFromDir(dir, 'vault')).rejects.toMatchObject({ code: 'HN_E_FILE_READ', message: /vault-agent-ca\.pem/ });
  });
});
