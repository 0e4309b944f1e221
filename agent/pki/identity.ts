import { X509Certificate, verify } from 'node:crypto';
import { HashinodeError } from '../core/errors.ts';
import { AWS_IDENTITY_RSA_CERTS } from './aws-identity-certs.ts';

// The instance identity document is the only thing a booting node can show that AWS vouches for:
// its signature proves the instance id and region. The document is not secret (any process on the
// instance can read it), so it proves identity only together with the first-key-wins rule and the
// EC2 lookup in the mailbox.

export interface IdentityClaims {
  instanceId: string;
  region: string;
  accountId?: string;
  privateIp?: string;
  availabilityZone?: string;
}

/** Region -> PEM certificate whose RSA key signs that region's documents. */
export type IdentityCerts = Readonly<Record<string, string>>;

export const DEFAULT_IDENTITY_CERTS: IdentityCerts = AWS_IDENTITY_RSA_CERTS;

/**
 * Checks the RSA-SHA256 signature over the exact document bytes with the certificate of the
 * region the document names, and returns the claims. Throws HN_E_IDENTITY_INVALID with the reason.
 */
export function verifyIdentityDocument(document: string, signature: string, certs: IdentityCerts = DEFAULT_IDENTITY_CERTS): IdentityClaims {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(document) as Record<string, unknown>;
  } catch {
    throw new HashinodeError('HN_E_IDENTITY_INVALID', 'the identity document is not JSON');
  }
  const region = typeof parsed.region === 'string' ? parsed.region : '';
  const instanceId = typeof parsed.instanceId === 'string' ? parsed.instanceId : '';
  if (!region || !instanceId) throw new HashinodeError('HN_E_IDENTITY_INVALID', 'the identity document has no region or instanceId');
  const certPem = certs[region];
  if (!certPem) {
    throw new HashinodeError('HN_E_IDENTITY_INVALID', `no AWS identity certificate is known for region ${region}`, { details: { region } });
  }
  // IMDS serves the signature wrapped over several lines.
  const compact = signature.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) throw new HashinodeError('HN_E_IDENTITY_INVALID', 'the identity signature is not base64');
  let ok = false;
  try {
    ok = verify('sha256', Buffer.from(document, 'utf8'), new X509Certificate(certPem).publicKey, Buffer.from(compact, 'base64'));
  } catch (err) {
    throw new HashinodeError('HN_E_IDENTITY_INVALID', `the identity signature cannot be checked: ${(err as Error).message}`, { cause: err });
  }
  if (!ok) {
    throw new HashinodeError('HN_E_IDENTITY_INVALID', `the identity document's signature does not verify with the ${region} AWS certificate`, {
      details: { region, instanceId },
    });
  }
  const str = (key: string) => (typeof parsed[key] === 'string' ? (parsed[key] as string) : undefined);
  return {
    instanceId,
    region,
    ...(str('accountId') ? { accountId: str('accountId') } : {}),
    ...(str('privateIp') ? { privateIp: str('privateIp') } : {}),
    ...(str('availabilityZone') ? { availabilityZone: str('availabilityZone') } : {}),
  };
}
