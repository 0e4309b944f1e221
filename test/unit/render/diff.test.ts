import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../../agent/render/diff.ts';
import { tempDir } from '../../helpers/tmp.ts';

const opts = { fromFile: 'a/f', toFile: 'b/f' };

function gnuDiff(dir: string, before: string, after: string): string {
  writeFileSync(path.join(dir, 'old'), before);
  writeFileSync(path.join(dir, 'new'), after);
  const r = spawnSync('diff', ['-u', '--label', 'a/f', '--label', 'b/f', 'old', 'new'], { cwd: dir, encoding: 'utf8' });
  return r.stdout;
}

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', opts)).toBe('');
  });

  it.each([
    ['one changed line in the middle', 'a\nb\nc\nd\ne\nf\ng\nh\n', 'a\nb\nc\nD\ne\nf\ng\nh\n'],
    ['added at the end', 'a\nb\n', 'a\nb\nc\n'],
    ['removed at the start', 'x\na\nb\n', 'a\nb\n'],
    ['new file', '', 'a\nb\n'],
    ['deleted content', 'a\nb\n', ''],
    ['two distant hunks', `${'l\n'.repeat(3)}x\n${'m\n'.repeat(10)}y\n${'n\n'.repeat(3)}`, `${'l\n'.repeat(3)}X\n${'m\n'.repeat(10)}Y\n${'n\n'.repeat(3)}`],
    ['hunks merged by shared context', 'a\nb\nc\nd\ne\nf\n', 'A\nb\nc\nd\ne\nF\n'],
    ['missing final newline', 'a\nb', 'a\nb\n'],
    ['replace all', 'a\nb\n', 'c\nd\n'],
  ])('%s matches diff -u', async (_name, before, after) => {
    const dir = await tempDir();
    expect(unifiedDiff(before, after, opts)).toBe(gnuDiff(dir, before, after));
  });

  it('large inputs past the table bound still give a correct diff', async () => {
    const dir = await tempDir();
    const before = Array.from({ length: 2500 }, (_, i) => `a${i}`).join('\n') + '\n';
    const after = Array.from({ length: 2500 }, (_, i) => (i % 2 ? `a${i}` : `b${i}`)).join('\n') + '\n';
    const diff = unifiedDiff(before, after, opts);
    writeFileSync(path.join(dir, 'f'), before);
    writeFileSync(path.join(dir, 'p.diff'), diff);
    execFileSync('patch', ['--quiet', '-p0', '-i', 'p.diff', 'f'], { cwd: dir });
    expect(readFileSync(path.join(dir, 'f'), 'utf8')).toBe(after);
  });

  it('patch(1) turns the old text into the new one (property)', async () => {
    const dir = await tempDir();
    const line = fc.constantFrom('a', 'b', 'c', 'd', '', 'x = 1', '}');
    const text = fc.tuple(fc.array(line, { maxLength: 25 }), fc.boolean()).map(([ls, eol]) => (ls.length ? ls.join('\n') + (eol ? '\n' : '') : ''));
    fc.assert(
      fc.property(text, text, (before, after) => {
        const diff = unifiedDiff(before, after, opts);
        if (before === after) return diff === '';
        writeFileSync(path.join(dir, 'f'), before);
        writeFileSync(path.join(dir, 'p.diff'), diff);
        execFileSync('patch', ['--quiet', '--force', '-p0', '-i', 'p.diff', 'f'], { cwd: dir });
        expect(readFileSync(path.join(dir, 'f'), 'utf8')).toBe(after);
        return true;
      }),
      { numRuns: 150 },
    );
  });
});
