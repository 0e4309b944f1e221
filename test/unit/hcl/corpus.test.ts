import { describe, expect, it } from 'vitest';
import { parse, print, toJson } from '../../../agent/hcl/index.ts';
import { hcl2ParseToObject } from '../../../agent/hcl/oracle.ts';
import { corpus, fixtureFiles, templateFiles } from './corpus.ts';

// The two guarantees on every file of the corpus: printing gives the input back byte for byte,
// and the JSON projection is what hcl2-parser (HashiCorp's HCL) makes of the same text.

const files = corpus();

describe('the HCL corpus', () => {
  it('holds the fixtures of every kind and this repository\'s templates', () => {
    const names = fixtureFiles().map((f) => f.name);
    for (const dir of ['consul/', 'nomad/', 'vault/', 'constructs/']) expect(names.some((n) => n.startsWith(dir))).toBe(true);
    expect(templateFiles().length).toBeGreaterThan(0);
  });

  it.each(files.map((f) => [f.name, f] as const))('%s prints back byte for byte', (_name, f) => {
    expect(print(parse(f.text, f.name))).toBe(f.text);
  });

  it.each(files.map((f) => [f.name, f] as const))('%s projects to JSON exactly as hcl2-parser does', async (_name, f) => {
    const ours = toJson(parse(f.text, f.name));
    expect(ours).toEqual(await hcl2ParseToObject(f.text, f.name));
  });
});
