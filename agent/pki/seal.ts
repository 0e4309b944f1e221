import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { HashinodeError } from '../core/errors.ts';

// Sealed boxes for the mailbox: the shared disk is readable by every node, so a reply is encrypted
// to the requester's X25519 key with an ephemeral key of our own (ECIES: X25519 ECDH, HKDF-SHA256,
// AES-256-GCM). The instance id is bound twice, in the HKDF info and as AAD, so a box sealed for
// one instance cannot be passed off as another's even by someone who could swap files.

export const SEAL_ALG = 'X25519-HKDF-SHA256-AES-256-GCM';
const INFO_PREFIX = 'hashinode mailbox v1';

export interface SealedBox {
  v: 1;
  alg: typeof SEAL_ALG;
  instanceId: string;
  /** The request nonce this box answers (clear text: it is not secret, and it is bound by the AAD). */
  nonce: string;
  /** Ephemeral X25519 public key, base64 raw 32 bytes. */
  epk: string;
  iv: string;
  ct: string;
  tag: string;
}

export interface MailboxKeyPair {
  /** Base64 of the raw 32-byte X25519 public key (what goes into a request). */
  publicKey: string;
  /** PKCS#8 PEM of the private key (stays on the node, 0600). */
  privateKeyPem: string;
}

export function generateMailboxKeyPair(): MailboxKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  return { publicKey: rawPublicKey(publicKey).toString('base64'), privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.from(jwk.x ?? '', 'base64url');
}

/** Accepts base64 raw 32 bytes or a PEM SPKI X25519 public key. */
export function parseX25519PublicKey(value: string): KeyObject {
  try {
    const key = value.includes('-----BEGIN')
      ? createPublicKey(value)
      : (() => {
          const raw = Buffer.from(value, 'base64');
          if (raw.length !== 32) throw new Error(`expected 32 bytes, got ${raw.length}`);
          return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: raw.toString('base64url') }, format: 'jwk' });
        })();
    if (key.asymmetricKeyType !== 'x25519') throw new Error(`expected an X25519 key, got ${key.asymmetricKeyType}`);
    return key;
  } catch (err) {
    throw new HashinodeError('HN_E_SEALED_BOX', `not an X25519 public key: ${(err as Error).message}`, { cause: err });
  }
}

/** Canonical base64 raw form of a public key given either way (for first-key-wins comparisons). */
export function canonicalPublicKey(value: string): string {
  return rawPublicKey(parseX25519PublicKey(value)).toString('base64');
}

function deriveKey(shared: Buffer, epk: Buffer, recipient: Buffer, instanceId: string, nonce: string): Buffer {
  const info = Buffer.from(`${INFO_PREFIX} ${instanceId} ${nonce}`, 'utf8');
  return Buffer.from(hkdfSync('sha256', shared, Buffer.concat([epk, recipient]), info, 32));
}

export function seal(plaintext: Buffer | string, recipientPublicKey: string, ctx: { instanceId: string; nonce: string }): SealedBox {
  const recipient = parseX25519PublicKey(recipientPublicKey);
  const eph = generateKeyPairSync('x25519');
  const shared = diffieHellman({ privateKey: eph.privateKey, publicKey: recipient });
  const epk = rawPublicKey(eph.publicKey);
  const key = deriveKey(shared, epk, rawPublicKey(recipient), ctx.instanceId, ctx.nonce);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(ctx.instanceId, 'utf8'));
  const ct = Buffer.concat([cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext), cipher.final()]);
  return {
    v: 1,
    alg: SEAL_ALG,
    instanceId: ctx.instanceId,
    nonce: ctx.nonce,
    epk: epk.toString('base64'),
    iv: iv.toString('base64'),
    ct: ct.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}

/** Opens a box with the node's private key; throws HN_E_SEALED_BOX on a wrong key or any tampering. */
export function open(box: SealedBox, privateKeyPem: string, expectedInstanceId: string): Buffer {
  if (box.v !== 1 || box.alg !== SEAL_ALG) throw new HashinodeError('HN_E_SEALED_BOX', `unknown sealed box format ${String(box.alg)} v${String(box.v)}`);
  if (box.instanceId !== expectedInstanceId) {
    throw new HashinodeError('HN_E_SEALED_BOX', `the sealed box is addressed to ${box.instanceId}, not ${expectedInstanceId}`);
  }
  try {
    const privateKey = createPrivateKey(privateKeyPem);
    const epk = Buffer.from(box.epk, 'base64');
    const ephPublic = parseX25519PublicKey(box.epk);
    const shared = diffieHellman({ privateKey, publicKey: ephPublic });
    const key = deriveKey(shared, epk, rawPublicKey(createPublicKey(privateKey)), box.instanceId, box.nonce);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(box.iv, 'base64'));
    decipher.setAAD(Buffer.from(expectedInstanceId, 'utf8'));
    decipher.setAuthTag(Buffer.from(box.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(box.ct, 'base64')), decipher.final()]);
  } catch (err) {
    throw new HashinodeError('HN_E_SEALED_BOX', `the sealed reply for ${expectedInstanceId} does not open with this node's key (wrong key or tampered)`, {
      cause: err,
    });
  }
}
