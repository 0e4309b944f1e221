import { HashinodeError } from '../core/errors.ts';
import type { ImdsClient } from './imds.ts';
import type { IdentityDocument, InstanceFacts } from './types.ts';

// What the instance is, read from IMDS in one burst that shares a single session token.

async function required(imds: ImdsClient, path: string): Promise<string> {
  const value = await imds.get(path);
  if (value === null || value.trim() === '') {
    throw new HashinodeError('HN_E_IMDS_BAD_RESPONSE', `IMDS ${imds.endpoint} has no ${path} (404 or empty)`, {
      details: { endpoint: imds.endpoint, path },
    });
  }
  return value.trim();
}

/** The first line of an IMDS listing, or null when the category is absent. */
async function firstEntry(imds: ImdsClient, path: string): Promise<string | null> {
  const listing = await imds.get(path);
  const first = listing
    ?.split('\n')
    .map((l) => l.trim().replace(/\/$/, ''))
    .find((l) => l !== '');
  return first ?? null;
}

export async function readInstanceFacts(imds: ImdsClient): Promise<InstanceFacts> {
  const [instanceId, region, availabilityZone, privateIp, mac, instanceType, amiId, iamRole] = await Promise.all([
    required(imds, 'meta-data/instance-id'),
    required(imds, 'meta-data/placement/region'),
    required(imds, 'meta-data/placement/availability-zone'),
    required(imds, 'meta-data/local-ipv4'),
    required(imds, 'meta-data/mac'),
    required(imds, 'meta-data/instance-type'),
    required(imds, 'meta-data/ami-id'),
    firstEntry(imds, 'meta-data/iam/security-credentials/'),
  ]);
  const nic = `meta-data/network/interfaces/macs/${mac}`;
  const [subnetId, vpcId] = await Promise.all([required(imds, `${nic}/subnet-id`), required(imds, `${nic}/vpc-id`)]);
  return { instanceId, region, availabilityZone, privateIp, mac, subnetId, vpcId, instanceType, amiId, iamRole };
}

/** The signed identity document, verbatim (its exact bytes are what the signature covers). */
export async function readIdentityDocument(imds: ImdsClient): Promise<IdentityDocument> {
  const [document, signature] = await Promise.all([
    imds.get('dynamic/instance-identity/document'),
    required(imds, 'dynamic/instance-identity/signature'),
  ]);
  if (document === null) {
    throw new HashinodeError('HN_E_IMDS_BAD_RESPONSE', `IMDS ${imds.endpoint} has no dynamic/instance-identity/document`);
  }
  try {
    JSON.parse(document);
  } catch (err) {
    throw new HashinodeError('HN_E_IMDS_BAD_RESPONSE', `IMDS ${imds.endpoint} sent an identity document that is not JSON`, { cause: err });
  }
  // Base64: whitespace (line wrapping) is not part of the signature.
  return { document, signature: signature.replace(/\s+/g, '') };
}
