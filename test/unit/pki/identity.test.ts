import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AWS_IDENTITY_RSA_CERTS } from '../../../agent/pki/aws-identity-certs.ts';
import { verifyIdentityDocument } from '../../../agent/pki/identity.ts';
import { signingKey } from '../../fakes/signing-key.ts';
import { identityFor, testIdentityCerts } from './fixtures.ts';

describe('verifyIdentityDocument', () => {
  it('returns the claims of a correctly signed document', () => {
    const { document, signature } = identityFor('i-0123456789abcdef0', { privateIp: '10.1.2.3' });
    expect(verifyIdentityDocument(document, signature, testIdentityCerts())).toMatchObject({
      instanceId: 'i-0123456789abcdef0',
      region: 'us-east-1',
      privateIp: '10.1.2.3',
    });
  });

  it('accepts the signature wrapped over lines, as IMDS serves it', () => {
    const { document, signature } = identityFor('i-0123456789abcdef0');
    const wrapped = signature.replace(/(.{64})/g, '$1\n');
    expect(verifyIdentityDocument(document, wrapped, testIdentityCerts()).instanceId).toBe('i-0123456789abcdef0');
  });

  it.each([
    ['a tampered document', (d: string, s: string) => [d.replace('i-0123456789abcdef0', 'i-0123456789abcdef1'), s], /does not verify/],
    ['a single changed byte of whitespace', (d: string, s: string) => [`${d} `, s], /does not verify/],
    ['a signature from another key', (d: string) => [d, identityFor('i-0123456789abcdef0', { key: signingKey() }).signature], /does not verify/],
    ['a signature that is not base64', (d: string) => [d, 'not*base64'], /not base64/],
    ['a document from an unknown region', () => Object.values(identityFor('i-0123456789abcdef0', { region: 'xx-nowhere-1' })), /no AWS identity certificate is known for region xx-nowhere-1/],
    ['a document that is not JSON', (_d: string, s: string) => ['{', s], /not JSON/],
  ] as [string, (d: string, s: string) => string[], RegExp][])('refuses %s', (_name, mutate, message) => {
    const { document, signature } = identityFor('i-0123456789abcdef0');
    const [d, s] = mutate(document, signature);
    expect(() => verifyIdentityDocument(d!, s!, testIdentityCerts())).toThrow(expect.objectContaining({ code: 'HN_E_IDENTITY_INVALID', message: expect.stringMatching(message) }));
  });
});

describe('embedded AWS certificates', () => {
  // Most regions' certificates name "Amazon Web Services LLC"; the older ap-east-1 and me-south-1
  // ones, as AWS publishes them, name a different Amazon subject with CN=ec2.amazonaws.com.
  const AWS_SUBJECTS = [
    'C=US\nST=Washington State\nL=Seattle\nO=Amazon Web Services LLC',
    'C=US\nST=Washington\nL=Seattle\nO=Amazon.com Inc.\nCN=ec2.amazonaws.com',
    'C=US\nST=Washington\nL=Seattle\nO=Amazon Web Services LLC\nCN=ec2.amazonaws.com',
  ];

  it.each(Object.entries(AWS_IDENTITY_RSA_CERTS))('%s parses, is self-signed by AWS and has an RSA key', (_region, pem) => {
    const cert = new X509Certificate(pem);
    expect(AWS_SUBJECTS).toContain(cert.subject);
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.publicKey.asymmetricKeyType).toBe('rsa');
  });

  it('covers the regions whose RSA certificate was taken from the AWS page', () => {
    expect(Object.keys(AWS_IDENTITY_RSA_CERTS).sort()).toEqual([
      'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-south-2',
      'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7',
      'ca-central-1', 'ca-west-1', 'cn-north-1', 'cn-northwest-1', 'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1',
      'eu-south-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eusc-de-east-1', 'il-central-1', 'me-central-1', 'me-south-1',
      'mx-central-1', 'sa-east-1', 'us-east-1', 'us-east-2', 'us-gov-east-1', 'us-gov-west-1', 'us-west-1', 'us-west-2',
    ]);
  });

  it('a document signed by a test key does not pass the real AWS certificates', () => {
    const { document, signature } = identityFor('i-0123456789abcdef0');
    expect(() => verifyIdentityDocument(document, signature)).toThrow(/does not verify with the us-east-1 AWS certificate/);
  });
});
