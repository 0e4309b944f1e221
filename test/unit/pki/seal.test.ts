import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalPublicKey, generateMailboxKeyPair, open, seal } from '../../../agent/pki/seal.ts';

const ctx = { instanceId: 'i-0123456789abcdef0', nonce: 'n1' };

describe('seal / open', () => {
  it('opens with the recipient key and gives back the bytes', () => {
    const pair = generateMailboxKeyPair();
    const box = seal('the secret bundle', pair.publicKey, ctx);
    expect(open(box, pair.privateKeyPem, ctx.instanceId).toString()).toBe('the secret bundle');
    expect(JSON.stringify(box)).not.toContain('the secret bundle');
  });

  it('does not open with another key', () => {
    const pair = generateMailboxKeyPair();
    const other = generateMailboxKeyPair();
    const box = seal('x', pair.publicKey, ctx);
    expect(() => open(box, other.privateKeyPem, ctx.instanceId)).toThrow(expect.objectContaining({ code: 'HN_E_SEALED_BOX' }));
  });

  it.each([
    ['ciphertext', (b: ReturnType<typeof seal>) => ({ ...b, ct: Buffer.from(Buffer.from(b.ct, 'base64').map((x, i) => (i === 0 ? x ^ 1 : x))).toString('base64') })],
    ['tag', (b: ReturnType<typeof seal>) => ({ ...b, tag: Buffer.alloc(16).toString('base64') })],
    ['nonce', (b: ReturnType<typeof seal>) => ({ ...b, nonce: 'n2' })],
    ['ephemeral key', (b: ReturnType<typeof seal>) => ({ ...b, epk: generateMailboxKeyPair().publicKey })],
  ])('a changed %s is detected', (_what, tamper) => {
    const pair = generateMailboxKeyPair();
    const box = tamper(seal('payload', pair.publicKey, ctx));
    expect(() => open(box, pair.privateKeyPem, ctx.instanceId)).toThrow(/does not open/);
  });

  it('a box addressed to one instance is refused by another', () => {
    const pair = generateMailboxKeyPair();
    const box = seal('x', pair.publicKey, ctx);
    expect(() => open(box, pair.privateKeyPem, 'i-0ffffffffffffffff')).toThrow(/addressed to i-0123456789abcdef0/);
    // Relabelling the box does not help: the instance id is in the AAD and the key derivation.
    expect(() => open({ ...box, instanceId: 'i-0ffffffffffffffff' }, pair.privateKeyPem, 'i-0ffffffffffffffff')).toThrow(/does not open/);
  });

  it('accepts the public key as PEM too, and canonicalises it', () => {
    const pair = generateMailboxKeyPair();
    const pem = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(pair.publicKey, 'base64').toString('base64url') }, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
    expect(canonicalPublicKey(pem)).toBe(pair.publicKey);
    expect(open(seal('y', pem, ctx), pair.privateKeyPem, ctx.instanceId).toString()).toBe('y');
  });

  it('refuses something that is not an X25519 key', () => {
    expect(() => seal('x', Buffer.alloc(31).toString('base64'), ctx)).toThrow(/not an X25519 public key/);
  });
});
