import { describe, expect, it } from 'vitest';
import { hcl2ParseToObject } from '../../../agent/hcl/oracle.ts';

// hcl2-parser behind one async function: values as its JSON, every failure as HN_E_HCL_SYNTAX.

describe('hcl2ParseToObject', () => {
  it('returns hcl2-parser\'s JSON (sorted keys, blocks as arrays, labels nested)', async () => {
    expect(await hcl2ParseToObject('b "l" { x = 1 }\na = "s"\n')).toEqual({ a: 's', b: { l: [{ x: 1 }] } });
  });

  it('turns its empty error on bad input into HN_E_HCL_SYNTAX naming the file', async () => {
    await expect(hcl2ParseToObject('a = [\n', 'consul.hcl')).rejects.toMatchObject({
      code: 'HN_E_HCL_SYNTAX',
      message: expect.stringContaining('consul.hcl'),
    });
  });

  it('turns a conversion panic (mixed block labels) into HN_E_HCL_SYNTAX', async () => {
    await expect(hcl2ParseToObject('b "x" {}\nb {}\n')).rejects.toMatchObject({ code: 'HN_E_HCL_SYNTAX', message: expect.stringContaining('cannot convert') });
  });
});
