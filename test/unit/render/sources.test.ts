import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isHashinodeError } from '../../../agent/core/errors.ts';
import { loadTemplate, sourceTemplatesDir } from '../../../agent/render/sources.ts';
import { REPO } from '../../helpers/cli.ts';
import { tempDir } from '../../helpers/tmp.ts';

describe('template sources', () => {
  it('from the sources, the built-in set is HASHINODE_TEMPLATES_DIR, else the repository config-templates/', () => {
    expect(sourceTemplatesDir({ HASHINODE_TEMPLATES_DIR: '/x/templates' })).toBe('/x/templates');
    expect(sourceTemplatesDir({})).toBe(path.join(REPO, 'config-templates'));
  });

  it('first found wins: shared, then host, then built-in', async () => {
    const shared = await tempDir();
    const host = await tempDir();
    const builtin = await tempDir();
    for (const [dir, tag] of [[shared, 'shared'], [host, 'host'], [builtin, 'builtin']] as const) {
      await mkdir(path.join(dir, 'consul'), { recursive: true });
      await writeFile(path.join(dir, 'consul/client.hcl'), tag);
    }
    await writeFile(path.join(host, 'resolv.conf'), 'host');
    await writeFile(path.join(builtin, 'resolv.conf'), 'builtin');
    expect((await loadTemplate('consul/client.hcl', { shared, host, builtinDir: builtin })).text).toBe('shared');
    expect((await loadTemplate('consul/client.hcl', { host, builtinDir: builtin })).text).toBe('host');
    expect(await loadTemplate('resolv.conf', { shared, host, builtinDir: builtin })).toEqual({ name: 'resolv.conf', text: 'host', origin: path.join(host, 'resolv.conf') });
    expect((await loadTemplate('consul/client.hcl', { builtinDir: builtin })).text).toBe('builtin');
  });

  it('a template found nowhere is HN_E_TEMPLATE naming it', async () => {
    const empty = await tempDir();
    try {
      await loadTemplate('consul/none.hcl', { host: empty, builtinDir: empty });
      expect.unreachable();
    } catch (err) {
      expect(isHashinodeError(err, 'HN_E_TEMPLATE')).toBe(true);
      expect((err as Error).message).toContain('consul/none.hcl');
    }
  });
});
