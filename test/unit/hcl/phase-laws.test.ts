import { describe, expect, it } from 'vitest';
import { applyPhaseEdit, parse, toJson } from '../../../agent/hcl/index.ts';
import { hcl2ParseToObject } from '../../../agent/hcl/oracle.ts';
import { corpus } from './corpus.ts';

// The laws of the bootstrap/revert edits, on every corpus file and for both flavors.

type Obj = Record<string, unknown>;

/** What hcl2-parser must see after bootstrap: the original projection with the intended edits. */
function intended(json: Obj, flavor: 'consul' | 'nomad'): Obj {
  const j = structuredClone(json);
  // Blocks project to arrays of objects, object-valued arguments to one object: both are edited.
  const containers = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : v !== null && typeof v === 'object' ? [v as Obj] : []);
  if (flavor === 'consul') {
    if ('bootstrap_expect' in j) j.bootstrap_expect = 1;
    if ('tls' in j) {
      for (const ports of containers(j.ports)) {
        if ('https' in ports) ports.https = -1;
        if ('grpc_tls' in ports) ports.grpc_tls = -1;
      }
    }
    delete j.retry_join;
    delete j.tls;
    delete j.auto_encrypt;
    for (const acl of containers(j.acl)) {
      delete acl.tokens;
      if ('default_policy' in acl) acl.default_policy = 'allow';
    }
  } else {
    for (const server of containers(j.server)) {
      if ('bootstrap_expect' in server) server.bootstrap_expect = 1;
      delete server.server_join;
      delete server.retry_join;
    }
  }
  return j;
}

const cases = corpus().flatMap((f) => (['consul', 'nomad'] as const).map((flavor) => [`${f.name} as ${flavor}`, f.text, flavor] as const));

describe('phase edit laws', () => {
  it.each(cases)('%s: revert(bootstrap(x)) === x', (_n, text, flavor) => {
    expect(applyPhaseEdit(applyPhaseEdit(text, 'bootstrap', flavor), 'revert', flavor)).toBe(text);
  });

  it.each(cases)('%s: bootstrap is idempotent', (_n, text, flavor) => {
    const once = applyPhaseEdit(text, 'bootstrap', flavor);
    expect(applyPhaseEdit(once, 'bootstrap', flavor)).toBe(once);
  });

  it.each(cases)('%s: revert leaves a file without markers alone', (_n, text, flavor) => {
    expect(applyPhaseEdit(text, 'revert', flavor)).toBe(text);
  });

  it.each(cases)('%s: after bootstrap hcl2-parser sees exactly the intended values', async (_n, text, flavor) => {
    const before = (await hcl2ParseToObject(text)) as Obj;
    const after = await hcl2ParseToObject(applyPhaseEdit(text, 'bootstrap', flavor));
    expect(after).toEqual(intended(before, flavor));
    expect(JSON.parse(JSON.stringify(toJson(parse(applyPhaseEdit(text, 'bootstrap', flavor)))))).toEqual(after);
  });
});
