import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../../helpers/cli.ts';

// The AWS SDK costs ~200 ms to load: modules on the start-up path may only import it dynamically.
describe('heavy libraries load on demand', () => {
  const files = [
    ...readdirSync(path.join(REPO, 'agent/node')).map((f) => `agent/node/${f}`),
    'agent/cli/facts.ts',
    'agent/cli/identity-options.ts',
  ].filter((f) => f.endsWith('.ts'));

  it.each(files)('%s has no static value import of @aws-sdk, @peculiar/x509, hcl2-parser or chokidar', (file) => {
    const text = readFileSync(path.join(REPO, file), 'utf8');
    const staticImports = [...text.matchAll(/^import\s+(?!type\b)[^;]*from\s+'([^']+)'/gm)].map((m) => m[1]);
    expect(staticImports.filter((m) => /^(@aws-sdk|@peculiar|hcl2-parser|chokidar)/.test(m!))).toEqual([]);
  });
});
