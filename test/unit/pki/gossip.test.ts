import { describe, expect, it } from 'vitest';
import { isGossipKey, newGossipKey } from '../../../agent/pki/gossip.ts';

describe('newGossipKey', () => {
  it('is 32 random bytes in standard base64, different every time', () => {
    const a = newGossipKey();
    const b = newGossipKey();
    expect(Buffer.from(a, 'base64')).toHaveLength(32);
    expect(a).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(isGossipKey(a)).toBe(true);
    expect(a).not.toBe(b);
  });

  it.each(['', 'abc', Buffer.alloc(16).toString('base64'), Buffer.alloc(32).toString('base64url')])('isGossipKey(%j) is false', (v) => {
    expect(isGossipKey(v)).toBe(false);
  });
});
