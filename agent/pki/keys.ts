import { createHash, createPrivateKey, webcrypto } from 'node:crypto';
import { HashinodeError } from '../core/errors.ts';

type CryptoKey = webcrypto.CryptoKey;

// ECDSA P-256 keys, as `consul tls` makes them. WebCrypto signs certificates, but operators (and
// `consul tls cert create`) expect the SEC1 `EC PRIVATE KEY` PEM, so keys cross that boundary here.

const EC_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;

export interface EcKeyPair {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

export async function generateEcKeyPair(): Promise<EcKeyPair> {
  return (await webcrypto.subtle.generateKey(EC_ALGORITHM, true, ['sign', 'verify'])) as EcKeyPair;
}

/** The private key as SEC1 PEM (`-----BEGIN EC PRIVATE KEY-----`). */
export async function exportSec1Pem(privateKey: CryptoKey): Promise<string> {
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', privateKey));
  return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ type: 'sec1', format: 'pem' }).toString();
}

/** Loads a SEC1 or PKCS#8 PEM P-256 key into WebCrypto (private for signing, public derived from it). */
export async function importEcPrivateKey(pem: string, source: string): Promise<EcKeyPair> {
  let keyObject: ReturnType<typeof createPrivateKey>;
  try {
    keyObject = createPrivateKey(pem);
  } catch (err) {
    throw new HashinodeError('HN_E_CERT_INVALID', `${source}: not a PEM private key`, { cause: err });
  }
  if (keyObject.asymmetricKeyType !== 'ec' || keyObject.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new HashinodeError('HN_E_CERT_INVALID', `${source}: expected an ECDSA P-256 key, got ${keyObject.asymmetricKeyType}`);
  }
  const pkcs8 = keyObject.export({ type: 'pkcs8', format: 'der' });
  const jwk = keyObject.export({ format: 'jwk' });
  const privateKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, EC_ALGORITHM, true, ['sign']);
  const { d: _d, ...publicJwk } = jwk;
  const publicKey = await webcrypto.subtle.importKey('jwk', publicJwk, EC_ALGORITHM, true, ['verify']);
  return { privateKey, publicKey };
}

/** SHA-256 of the SubjectPublicKeyInfo DER, as Consul computes subject/authority key ids. */
export async function keyIdHex(publicKey: CryptoKey): Promise<string> {
  const spki = Buffer.from(await webcrypto.subtle.exportKey('spki', publicKey));
  return createHash('sha256').update(spki).digest('hex');
}

/** A positive 128-bit serial number (hex for the certificate, decimal for Consul-style names). */
export function randomSerial(): { hex: string; decimal: string } {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = bytes[0]! & 0x7f;
  if (bytes[0] === 0) bytes[0] = 1;
  const hex = Buffer.from(bytes).toString('hex');
  return { hex, decimal: BigInt(`0x${hex}`).toString(10) };
}
