import { X509Certificate } from 'node:crypto';
import { HashinodeError } from '../core/errors.ts';

// What an operator wants to know about a certificate file: who, for which names, until when, with
// which key. Uses Node's own X509Certificate, so inspecting never loads the certificate library.

export interface CertInfo {
  subject: string;
  issuer: string;
  serialNumber: string;
  dnsNames: string[];
  ipAddresses: string[];
  notBefore: string;
  notAfter: string;
  keyType: string;
  isCa: boolean;
  /** Extended key usages by name (serverAuth, clientAuth) or OID. */
  extKeyUsage: string[];
  fingerprint256: string;
}

const EKU_NAMES: Record<string, string> = { '1.3.6.1.5.5.7.3.1': 'serverAuth', '1.3.6.1.5.5.7.3.2': 'clientAuth' };

function firstPem(text: string): string | null {
  const m = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(text);
  return m ? m[0] : null;
}

export function inspectCert(pemText: string, source = 'certificate'): CertInfo {
  const pem = firstPem(pemText);
  if (!pem) throw new HashinodeError('HN_E_CERT_INVALID', `${source}: no PEM certificate found`);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch (err) {
    throw new HashinodeError('HN_E_CERT_INVALID', `${source}: the certificate does not parse`, { cause: err });
  }
  const sans = (cert.subjectAltName ?? '').split(/,\s*/).filter(Boolean);
  const details = cert.publicKey.asymmetricKeyDetails;
  const keyType =
    cert.publicKey.asymmetricKeyType === 'ec'
      ? `ECDSA ${details?.namedCurve === 'prime256v1' ? 'P-256' : (details?.namedCurve ?? '')}`.trim()
      : cert.publicKey.asymmetricKeyType === 'rsa'
        ? `RSA ${details?.modulusLength ?? ''}`.trim()
        : (cert.publicKey.asymmetricKeyType ?? 'unknown');
  return {
    subject: cert.subject.split('\n').join(', '),
    issuer: cert.issuer.split('\n').join(', '),
    serialNumber: cert.serialNumber,
    dnsNames: sans.filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4)),
    ipAddresses: sans.filter((s) => s.startsWith('IP Address:')).map((s) => s.slice('IP Address:'.length)),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    keyType,
    isCa: cert.ca,
    extKeyUsage: (cert.keyUsage ?? []).map((oid) => EKU_NAMES[oid] ?? oid),
    fingerprint256: cert.fingerprint256,
  };
}
