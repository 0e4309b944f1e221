import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isHashinodeError } from '../../../agent/core/errors.ts';
import { applyPhaseEdit, type HclDocument, parse, print, toJson } from '../../../agent/hcl/index.ts';
import { hcl2ParseToObject } from '../../../agent/hcl/oracle.ts';
import { hclDocument } from './generate.ts';

// Properties over generated documents (random layout, comments, every expression form, the
// names the phase edits look for): the same guarantees as on the corpus, on shapes nobody wrote.

function tryParse(text: string): HclDocument | undefined {
  try {
    return parse(text);
  } catch (err) {
    if (isHashinodeError(err, 'HN_E_HCL_SYNTAX')) return undefined;
    throw err;
  }
}

async function oracle(text: string): Promise<unknown> {
  try {
    return await hcl2ParseToObject(text);
  } catch (err) {
    if (isHashinodeError(err, 'HN_E_HCL_SYNTAX')) return 'rejected';
    throw err;
  }
}

function ours(text: string): unknown {
  const doc = tryParse(text);
  if (!doc) return 'rejected';
  try {
    return toJson(doc);
  } catch (err) {
    if (isHashinodeError(err, 'HN_E_HCL_SYNTAX')) return 'rejected';
    throw err;
  }
}

const RUNS = { numRuns: 250, seed: 20251124 };

// Hundreds of cases each; generous for a loaded machine (the work itself takes seconds).
const HEAVY = 180_000;

describe('generated HCL documents', () => {
  it('parse to a tree that prints back byte for byte, or fail with HN_E_HCL_SYNTAX', () => {
    fc.assert(
      fc.property(hclDocument, (text) => {
        const doc = tryParse(text);
        if (doc) expect(print(doc)).toBe(text);
      }),
      RUNS,
    );
  }, HEAVY);

  it('are accepted or rejected as hcl2-parser does, with the same JSON', async () => {
    await fc.assert(
      fc.asyncProperty(hclDocument, async (text) => {
        expect(ours(text)).toEqual(await oracle(text));
      }),
      RUNS,
    );
  }, HEAVY);

  it('obey the phase laws for both flavors', () => {
    let refused = 0;
    fc.assert(
      fc.property(hclDocument, fc.constantFrom('consul' as const, 'nomad' as const), (text, flavor) => {
        fc.pre(tryParse(text) !== undefined);
        let once: string;
        try {
          once = applyPhaseEdit(text, 'bootstrap', flavor);
        } catch (err) {
          // Allowed refusal: an entry that shares its line inside a multi-line object value.
          expect(err).toMatchObject({ code: 'HN_E_HCL_EDIT', message: expect.stringContaining('shares its line') });
          refused++;
          return;
        }
        expect(applyPhaseEdit(once, 'revert', flavor)).toBe(text);
        expect(applyPhaseEdit(once, 'bootstrap', flavor)).toBe(once);
        expect(applyPhaseEdit(text, 'revert', flavor)).toBe(text);
      }),
      RUNS,
    );
    expect(refused).toBeLessThan(RUNS.numRuns / 4);
  }, HEAVY);

  it('stay valid for hcl2-parser after bootstrap when they were before', async () => {
    await fc.assert(
      fc.asyncProperty(hclDocument, fc.constantFrom('consul' as const, 'nomad' as const), async (text, flavor) => {
        fc.pre((await oracle(text)) !== 'rejected');
        let once: string;
        try {
          once = applyPhaseEdit(text, 'bootstrap', flavor);
        } catch {
          return; // the refusal is covered above
        }
        expect(await oracle(once)).not.toBe('rejected');
      }),
      { numRuns: 150, seed: 7 },
    );
  }, HEAVY);
});
