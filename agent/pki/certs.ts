import { isIP } from 'node:net';
import { HashinodeError } from '../core/errors.ts';
import type { Service } from '../node/materials.ts';
import type { CaMaterial } from './ca.ts';
import { exportSec1Pem, generateEcKeyPair, importEcPrivateKey, keyIdHex, randomSerial } from './keys.ts';
import { loadX509 } from './x509-lib.ts';

// Leaf certificates with the names each product checks: Consul's verify_server_hostname wants
// `server.<dc>.consul`, Nomad's verify_server_hostname wants `server.<region>.nomad` (clients
// `client.<region>.nomad`), Vault clients reach it as `vault.service.consul`.

export type CertRole = 'server' | 'client' | 'cli';
export const CERT_ROLES: readonly CertRole[] = ['server', 'client', 'cli'];
export const LEAF_DAYS = 365;

export interface CertRequest {
  service: Service;
  role: CertRole;
  /** Consul datacenter (default dc1). */
  dc?: string;
  /** Nomad region (default global). */
  region?: string;
  /** Node name: adds `<node>.server.<dc>.consul` to Consul server certificates. */
  node?: string;
  /** Extra IP SANs (the node's private IP). */
  ips?: string[];
  /** Extra DNS SANs. */
  dnsNames?: string[];
  days?: number;
  now?: Date;
}

export interface CertProfile {
  commonName: string;
  dnsNames: string[];
  ips: string[];
  extKeyUsage: ('serverAuth' | 'clientAuth')[];
}

export interface IssuedCert {
  certPem: string;
  keyPem: string;
  profile: CertProfile;
}

const BOTH: CertProfile['extKeyUsage'] = ['serverAuth', 'clientAuth'];

function uniq(values: string[]): string[] {
  return [...new Set(values.filter((v) => v.length > 0))];
}

/** The names and usages of a certificate: pure, so the rules are testable without crypto. */
export function certProfile(req: CertRequest): CertProfile {
  const dc = req.dc ?? 'dc1';
  const region = req.region ?? 'global';
  const extraIps = req.ips ?? [];
  for (const ip of extraIps) {
    if (!isIP(ip)) throw new HashinodeError('HN_E_PKI', `'${ip}' is not an IP address (certificate IP SAN)`);
  }
  const extraDns = req.dnsNames ?? [];
  if (req.role === 'cli') {
    // Operator certificates only authenticate a client; they must never pass as a server.
    const cn = req.service === 'consul' ? `cli.${dc}.consul` : req.service === 'nomad' ? `cli.${region}.nomad` : `cli.${dc}.vault`;
    return { commonName: cn, dnsNames: uniq([cn, 'localhost', ...extraDns]), ips: [], extKeyUsage: ['clientAuth'] };
  }
  const ips = uniq(['127.0.0.1', ...extraIps]);
  switch (req.service) {
    case 'consul': {
      const cn = `${req.role}.${dc}.consul`;
      const nodeName = req.role === 'server' && req.node ? [`${req.node}.server.${dc}.consul`] : [];
      return { commonName: cn, dnsNames: uniq([cn, ...nodeName, 'localhost', ...extraDns]), ips, extKeyUsage: BOTH };
    }
    case 'nomad': {
      const cn = `${req.role}.${region}.nomad`;
      return { commonName: cn, dnsNames: uniq([cn, 'localhost', ...extraDns]), ips, extKeyUsage: BOTH };
    }
    case 'vault': {
      if (req.role !== 'server') throw new HashinodeError('HN_E_PKI', 'Vault certificates are server or cli certificates, not client');
      const cn = 'vault.service.consul';
      return { commonName: cn, dnsNames: uniq([cn, 'active.vault.service.consul', 'localhost', ...extraDns]), ips, extKeyUsage: BOTH };
    }
  }
}

/** Consul's file prefix (`dc1-server-consul`); Nomad's (`global-server-nomad`); Vault follows Consul. */
export function certFilePrefix(req: Pick<CertRequest, 'service' | 'role' | 'dc' | 'region'>): string {
  if (req.service === 'nomad') return `${req.region ?? 'global'}-${req.role}-nomad`;
  return `${req.dc ?? 'dc1'}-${req.role}-${req.service}`;
}

export async function issueCert(ca: CaMaterial, req: CertRequest): Promise<IssuedCert> {
  if (ca.service !== req.service) {
    throw new HashinodeError('HN_E_PKI', `a ${req.service} certificate cannot be signed by the ${ca.service} CA`);
  }
  const profile = certProfile(req);
  const x509 = await loadX509();
  const caKeys = await importEcPrivateKey(ca.keyPem, `${ca.service} CA key`);
  let caCert: InstanceType<typeof x509.X509Certificate>;
  try {
    caCert = new x509.X509Certificate(ca.certPem);
  } catch (err) {
    throw new HashinodeError('HN_E_CERT_INVALID', `the ${ca.service} CA certificate does not parse`, { cause: err });
  }
  try {
    const keys = await generateEcKeyPair();
    const now = req.now ?? new Date();
    const eku = profile.extKeyUsage.map((u) => (u === 'serverAuth' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth));
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerial().hex,
      subject: [{ CN: [profile.commonName] }],
      issuer: caCert.subjectName,
      notBefore: now,
      notAfter: new Date(now.getTime() + (req.days ?? LEAF_DAYS) * 86_400_000),
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension(eku),
        new x509.SubjectKeyIdentifierExtension(await keyIdHex(keys.publicKey)),
        new x509.AuthorityKeyIdentifierExtension(await keyIdHex(caKeys.publicKey)),
        new x509.SubjectAlternativeNameExtension([
          ...profile.dnsNames.map((value) => ({ type: 'dns' as const, value })),
          ...profile.ips.map((value) => ({ type: 'ip' as const, value })),
        ]),
      ],
    });
    return { certPem: `${cert.toString('pem')}\n`, keyPem: await exportSec1Pem(keys.privateKey), profile };
  } catch (err) {
    throw new HashinodeError('HN_E_PKI', `issuing ${profile.commonName} failed: ${(err as Error).message}`, { cause: err });
  }
}
