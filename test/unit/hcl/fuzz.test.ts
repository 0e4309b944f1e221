import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isHashinodeError } from '../../../agent/core/errors.ts';
import { parse, print, toJson } from '../../../agent/hcl/index.ts';
import { hcl2ParseToObject } from '../../../agent/hcl/oracle.ts';
import { corpus } from './corpus.ts';

// Mutation fuzzing: random byte edits of corpus files. The parser must answer every one with a
// tree (that prints back exactly) or HN_E_HCL_SYNTAX, never another exception or a hang, and
// it must accept and reject exactly what hcl2-parser accepts and rejects.

const files = corpus();
// Hundreds of cases each; generous for a loaded machine (the work itself takes seconds).
const HEAVY = 180_000;
const CHARS = ['{', '}', '[', ']', '(', ')', '"', '=', ':', ',', '#', '/', '*', '\n', '\r', ' ', '\t', '$', '%', '~', '<', '-', '.', '\\', 'a', '1', 'é', '\u0000', '\ufeff', '?', '!', '😀'];

const mutant = fc
  .tuple(
    fc.nat({ max: files.length - 1 }),
    fc.array(fc.tuple(fc.constantFrom('insert', 'delete', 'replace'), fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.constantFrom(...CHARS)), {
      minLength: 1,
      maxLength: 3,
    }),
  )
  .map(([index, edits]) => {
    let text = files[index]!.text;
    for (const [op, where, ch] of edits) {
      const i = Math.floor(where * text.length);
      if (op === 'insert') text = text.slice(0, i) + ch + text.slice(i);
      else if (op === 'delete') text = text.slice(0, i) + text.slice(i + 1);
      else text = text.slice(0, i) + ch + text.slice(i + 1);
    }
    return text;
  });

function outcome(run: () => unknown): unknown {
  try {
    return run();
  } catch (err) {
    if (isHashinodeError(err, 'HN_E_HCL_SYNTAX')) return 'HN_E_HCL_SYNTAX';
    throw err;
  }
}

describe('mutation fuzzing of the corpus', () => {
  it('every mutant parses (and prints back) or fails with HN_E_HCL_SYNTAX', () => {
    fc.assert(
      fc.property(mutant, (text) => {
        const result = outcome(() => {
          const doc = parse(text);
          expect(print(doc)).toBe(text);
          return toJson(doc);
        });
        expect(result).toBeDefined();
      }),
      { numRuns: 2000, seed: 424242 },
    );
  }, HEAVY);

  it('accepts and rejects the mutants hcl2-parser accepts and rejects, with the same JSON', async () => {
    await fc.assert(
      fc.asyncProperty(mutant, async (text) => {
        const ours = outcome(() => toJson(parse(text)));
        let theirs: unknown;
        try {
          theirs = await hcl2ParseToObject(text);
        } catch (err) {
          theirs = (err as { code?: string }).code;
        }
        expect(ours).toEqual(theirs);
      }),
      { numRuns: 250, seed: 99 },
    );
  }, HEAVY);
});
