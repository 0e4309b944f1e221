// esbuild: agent/main.ts -> dist/hashinode.cjs (the main script) + dist/chunks/<name>.cjs, loaded
// on demand by agent/core/chunks.ts. V8 pre-parses every byte of the main script on every start,
// so it holds only what `version` and `--help` need (main.ts, the registry, agent/core/, version):
// each command's code and every heavy library (HEAVY) is a chunk, read only when it runs.

import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { mainEntrySource, splitPlugin } from './plugins.mjs';

export { agentChunkName, chunkName, HEAVY } from './plugins.mjs';

/** Directories whose files the executable carries (agent/core/embedded.ts reads them). */
export const EMBEDDED_DIRS = ['config-templates', 'systemd'];

const COMMON = { bundle: true, platform: 'node', format: 'cjs', target: 'node24', logLevel: 'warning' };

function listFiles(repo, dir) {
  let entries;
  try {
    entries = readdirSync(path.join(repo, dir), { withFileTypes: true });
  } catch {
    return [];
  }
  const out = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...listFiles(repo, rel));
    else if (e.isFile()) out.push(rel);
  }
  return out.sort();
}

export function embeddedFileMap(repo) {
  const files = {};
  for (const dir of EMBEDDED_DIRS) for (const rel of listFiles(repo, dir)) files[rel] = readFileSync(path.join(repo, rel), 'utf8');
  return files;
}

/** Modules always in the main script: what every command shares (agent/core/) and `version`. */
export function mainScriptModules(repo) {
  const core = listFiles(repo, 'agent/core').filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  return [...core, 'agent/cli/command.ts', 'agent/cli/registry.ts', 'agent/cli/version.ts', 'agent/main.ts'];
}

/** Bytes of an output by origin: `agent/` or the npm package the code comes from. */
function origins(metafile) {
  const output = Object.values(metafile.outputs)[0];
  const byOrigin = {};
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const origin = m ? m[1] : input.startsWith('agent/') ? 'agent/' : input.replace(/:.*/, ':stubs');
    byOrigin[origin] = (byOrigin[origin] ?? 0) + bytesInOutput;
  }
  return { bytes: output.bytes, byOrigin };
}

const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;

export async function bundle(repo, dist, log) {
  rmSync(path.join(dist, 'chunks'), { recursive: true, force: true });
  mkdirSync(path.join(dist, 'chunks'), { recursive: true });
  const embedded = embeddedFileMap(repo);
  const forced = mainScriptModules(repo);
  const plan = { heavy: new Map(), lazy: new Map() };
  const bundled = { __HASHINODE_BUNDLED__: 'true' };

  // 1. The main script's module graph: the forced modules plus what they import statically.
  const forcedAbs = new Set(forced.map((f) => path.join(repo, f)));
  const discover = await esbuild.build({
    ...COMMON,
    stdin: { contents: mainEntrySource(repo, forced), resolveDir: repo, loader: 'js' },
    write: false,
    metafile: true,
    define: bundled,
    plugins: [splitPlugin(repo, { plan: { heavy: new Map(), lazy: new Map() }, inMain: (f) => forcedAbs.has(f), isChunk: false })],
  });
  const mainModules = Object.keys(discover.metafile.inputs)
    .filter((f) => f.startsWith('agent/'))
    .sort();
  const mainAbs = new Set(mainModules.map((f) => path.join(repo, f)));
  const inMain = (f) => mainAbs.has(f);

  // 2. The main script itself; records the lazy modules and libraries it leaves to chunks.
  const chunkList = [];
  const buildMain = (names) =>
    esbuild.build({
      ...COMMON,
      stdin: { contents: mainEntrySource(repo, mainModules), resolveDir: repo, loader: 'js', sourcefile: 'hashinode-main.js' },
      outfile: path.join(dist, 'hashinode.cjs'),
      write: names !== undefined,
      metafile: true,
      define: {
        ...bundled,
        __HASHINODE_EMBEDDED__: JSON.stringify(JSON.stringify(embedded)),
        __HASHINODE_CHUNKS__: JSON.stringify(JSON.stringify(names ?? [])),
      },
      plugins: [splitPlugin(repo, { plan, inMain, isChunk: false })],
    });
  await buildMain(undefined);

  // 3. One chunk per lazily imported agent module (each command), sharing the main script's modules.
  for (const [rel, lazy] of plan.lazy) {
    const file = path.join(dist, 'chunks', `${lazy.name}.cjs`);
    const r = await esbuild.build({
      ...COMMON,
      stdin: { contents: `module.exports = require(${JSON.stringify(lazy.file)});\n`, resolveDir: repo, loader: 'js', sourcefile: `chunk-entry:${lazy.name}` },
      outfile: file,
      metafile: true,
      define: bundled,
      plugins: [splitPlugin(repo, { plan, inMain, isChunk: true })],
    });
    chunkList.push({ spec: rel, name: lazy.name, importers: [...lazy.importers].sort(), file, bytes: statSync(file).size, kind: 'agent', byOrigin: origins(r.metafile).byOrigin });
  }

  // 4. One chunk per heavy library, found in the main script or in any agent chunk.
  for (const [spec, heavy] of plan.heavy) {
    const file = path.join(dist, 'chunks', `${heavy.name}.cjs`);
    await esbuild.build({
      ...COMMON,
      stdin: { contents: `module.exports = require(${JSON.stringify(spec)});\n`, resolveDir: repo, loader: 'js' },
      outfile: file,
    });
    chunkList.push({ spec, name: heavy.name, importers: [...heavy.importers].sort(), file, bytes: statSync(file).size, kind: 'library' });
  }
  chunkList.sort((a, b) => a.name.localeCompare(b.name));

  // 5. The main script again, now knowing every chunk's name (version --self-check loads them).
  const result = await buildMain(chunkList.map((c) => c.name));
  const main = { file: path.join(dist, 'hashinode.cjs'), ...origins(result.metafile) };

  for (const c of chunkList) log(`chunk ${c.name}: ${kib(c.bytes)}  <- ${c.importers.join(', ')}`);
  const top = Object.entries(main.byOrigin)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([o, b]) => `${o} ${kib(b)}`);
  log(`main script dist/hashinode.cjs: ${kib(main.bytes)} (${top.join(', ')}); ${mainModules.length} agent modules`);
  log(`embedded files: ${Object.keys(embedded).length} (${EMBEDDED_DIRS.join(', ')})`);
  return { main, mainModules, chunks: chunkList, embedded: Object.keys(embedded) };
}
