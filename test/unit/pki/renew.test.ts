import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Paths } from '../../../agent/core/paths.ts';
import { tlsPaths } from '../../../agent/node/materials.ts';
import { createCa } from '../../../agent/pki/ca.ts';
import { issueCert } from '../../../agent/pki/certs.ts';
import { needsRenewal, renewIfNeeded, requestFromCert } from '../../../agent/pki/renew.ts';
import { tempDir } from '../../helpers/tmp.ts';

const DAY = 86_400_000;
const issued = new Date(Date.UTC(2026, 0, 1));

describe('needsRenewal', () => {
  it.each([
    [0, false],
    [334, false],
    [336, true],
    [400, true],
  ])('a 365-day certificate %i days after issue: %s', async (days, expected) => {
    const ca = await createCa('consul', { now: issued });
    const { certPem } = await issueCert(ca, { service: 'consul', role: 'server', now: issued });
    expect(needsRenewal(certPem, new Date(issued.getTime() + days * DAY))).toBe(expected);
  });
});

describe('renewIfNeeded', () => {
  async function install(root: string) {
    const paths = new Paths(root);
    const ca = await createCa('consul', { now: issued });
    const p = tlsPaths('consul');
    const leaf = await issueCert(ca, { service: 'consul', role: 'server', node: 'n1', ips: ['10.0.0.5'], now: issued });
    await mkdir(path.dirname(paths.host(p.certFile)), { recursive: true });
    await writeFile(paths.host(p.certFile), leaf.certPem);
    await writeFile(paths.host(p.keyFile), leaf.keyPem, { mode: 0o600 });
    return { paths, ca, p, leaf };
  }

  it('leaves a certificate with more than 30 days left alone', async () => {
    const { paths, ca, p, leaf } = await install(await tempDir());
    const result = await renewIfNeeded({ paths, cas: { consul: ca }, now: new Date(issued.getTime() + 200 * DAY) });
    expect(result.reload).toEqual([]);
    expect(await readFile(paths.host(p.certFile), 'utf8')).toBe(leaf.certPem);
  });

  it('re-issues one with under 30 days left, with the same names, and asks for a reload', async () => {
    const { paths, ca, p, leaf } = await install(await tempDir());
    const now = new Date(issued.getTime() + 340 * DAY);
    const result = await renewIfNeeded({ paths, cas: { consul: ca }, now });
    expect(result.reload).toEqual(['consul']);
    const fresh = new X509Certificate(await readFile(paths.host(p.certFile), 'utf8'));
    expect(fresh.subjectAltName).toBe(new X509Certificate(leaf.certPem).subjectAltName);
    expect(new Date(fresh.validFrom).getTime()).toBe(now.getTime());
    expect(fresh.checkPrivateKey((await import('node:crypto')).createPrivateKey(await readFile(paths.host(p.keyFile), 'utf8')))).toBe(true);
  });

  it('reads the request back from a certificate', async () => {
    const ca = await createCa('nomad');
    const { certPem } = await issueCert(ca, { service: 'nomad', role: 'client', region: 'eu', ips: ['10.0.0.9'] });
    expect(requestFromCert('nomad', certPem)).toMatchObject({ service: 'nomad', role: 'client', region: 'eu', ips: ['127.0.0.1', '10.0.0.9'] });
  });
});
