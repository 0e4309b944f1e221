import { chunkNames, loadChunk } from '../core/chunks.ts';
import { embeddedFiles } from '../core/embedded.ts';
import { isSingleExecutable } from '../core/sea.ts';
import { VERSION } from '../core/version.ts';
import { boolOpt, type Command, type CommandContext } from './command.ts';

export function versionLine(): string {
  const kind = isSingleExecutable() ? 'single-executable' : 'node-script';
  return `hashinode ${VERSION} (node ${process.version}, ${process.platform}-${process.arch}, ${kind})`;
}

declare const __dirname: string | undefined;

/**
 * Chunks the agent never loads bare: they are loaded here the way the agent loads them (x509 needs
 * its Reflect metadata polyfill installed first), so the check proves what commands rely on.
 */
const LOADED_THROUGH: Record<string, () => Promise<unknown>> = {
  'peculiar-x509': async () => (await import('../pki/x509-lib.ts')).loadX509(),
};

/**
 * Loads every on-demand chunk this build carries and lists the embedded files, so a smoke test can
 * prove the executable works alone (chunks are embedded and compile under its Node) before any
 * command that needs them runs on a real node.
 */
async function selfCheck(ctx: CommandContext): Promise<number> {
  const names = chunkNames();
  // Only the bundle defines __dirname (CommonJS); from the sources there are no chunks to load.
  const bundleDir = typeof __dirname === 'string' ? __dirname : process.cwd();
  const results: { chunk: string; ok: boolean; exports?: number; error?: string }[] = [];
  for (const name of names) {
    try {
      const through = LOADED_THROUGH[name];
      const mod = through ? await through() : loadChunk(name, bundleDir);
      results.push({ chunk: name, ok: true, exports: Object.keys(mod as object).length });
    } catch (err) {
      results.push({ chunk: name, ok: false, error: (err as Error).message });
    }
  }
  const embedded = Object.keys(embeddedFiles('') ?? {});
  const failed = results.filter((r) => !r.ok).length;
  if (ctx.json) {
    ctx.stdout.write(`${JSON.stringify({ chunks: results, embedded })}\n`);
  } else {
    ctx.stdout.write(`${versionLine()}\n`);
    for (const r of results) ctx.stdout.write(`chunk ${r.chunk}: ${r.ok ? `ok (${r.exports} exports)` : `FAILED: ${r.error}`}\n`);
    if (names.length === 0) ctx.stdout.write('chunks: none (not a bundled build)\n');
    for (const file of embedded) ctx.stdout.write(`embedded ${file}\n`);
    ctx.stdout.write(`${results.length - failed} of ${results.length} chunks loaded, ${embedded.length} embedded files\n`);
  }
  if (failed > 0) ctx.stderr.write(`hashinode version: HN_E_INTERNAL: ${failed} chunk(s) failed to load\n`);
  return failed > 0 ? 70 : 0;
}

export const command: Command = {
  name: 'version',
  summary: 'Print the version, Node version, platform and build kind',
  usage: ['[--json]', '--self-check [--json]'],
  options: {
    'self-check': { type: 'boolean', description: 'also load every on-demand module of this build and list the embedded files' },
  },
  async run(ctx) {
    if (boolOpt(ctx.values, 'self-check')) return selfCheck(ctx);
    if (ctx.json) {
      ctx.stdout.write(
        `${JSON.stringify({
          version: VERSION,
          node: process.version,
          platform: `${process.platform}-${process.arch}`,
          singleExecutable: isSingleExecutable(),
        })}\n`,
      );
    } else {
      ctx.stdout.write(`${versionLine()}\n`);
    }
    return 0;
  },
};
