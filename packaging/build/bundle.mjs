// esbuild: agent/main.ts -> dist/hashinode.cjs (the main script) + dist/chunks/<name>.cjs (heavy
// libraries, loaded on demand by agent/core/chunks.ts). Start-up time follows the size of the main
// script, so every library matched by HEAVY stays out of it, wherever and however it is imported.

import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';

/** Bare import specifiers that become chunks instead of being bundled into the main script. */
export const HEAVY = /^(?:@aws-sdk\/|@smithy\/|@peculiar\/|(?:hcl2-parser|chokidar|node-forge|reflect-metadata|tsyringe|pino)(?:\/|$))/;

/** Directories whose files the executable carries (agent/core/embedded.ts reads them). */
export const EMBEDDED_DIRS = ['config-templates', 'systemd'];

export function chunkName(specifier) {
  return specifier.replace(/^@/, '').replace(/[^A-Za-z0-9._-]+/g, '-');
}

const COMMON = { bundle: true, platform: 'node', format: 'cjs', target: 'node24', logLevel: 'warning' };

function listFiles(repo, dir) {
  const abs = path.join(repo, dir);
  let entries;
  try {
    entries = readdirSync(abs, { withFileTypes: true });
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

/** Replaces each heavy import by a stub that loads its chunk; records which ones were seen. */
function chunkPlugin(repo, seen) {
  const loader = path.join(repo, 'agent/core/chunks.ts');
  return {
    name: 'hashinode-chunks',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        const spec = args.path;
        if (!HEAVY.test(spec)) return undefined;
        const importer = path.relative(repo, args.importer);
        const record = seen.get(spec) ?? { name: chunkName(spec), importers: new Set() };
        record.importers.add(`${importer} (${args.kind === 'dynamic-import' ? 'dynamic' : 'static'})`);
        seen.set(spec, record);
        return { path: spec, namespace: 'hashinode-chunk' };
      });
      build.onLoad({ filter: /.*/, namespace: 'hashinode-chunk' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(loader)}).loadChunk(${JSON.stringify(chunkName(args.path))}, __dirname);\n`,
        resolveDir: repo,
        loader: 'js',
      }));
    },
  };
}

async function buildMain(repo, outfile, define, seen) {
  return esbuild.build({
    ...COMMON,
    entryPoints: [path.join(repo, 'agent/main.ts')],
    outfile,
    write: outfile !== undefined,
    metafile: true,
    define,
    plugins: [chunkPlugin(repo, seen)],
  });
}

/** Bytes of the main script by origin: `agent/` or the npm package the code comes from. */
function mainScriptOrigins(metafile, outfile) {
  const output = Object.values(metafile.outputs)[0];
  const byOrigin = {};
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const origin = m ? m[1] : input.startsWith('agent/') ? 'agent/' : input;
    byOrigin[origin] = (byOrigin[origin] ?? 0) + bytesInOutput;
  }
  return { file: outfile, bytes: output.bytes, byOrigin };
}

export async function bundle(repo, dist, log) {
  rmSync(path.join(dist, 'chunks'), { recursive: true, force: true });
  mkdirSync(path.join(dist, 'chunks'), { recursive: true });
  const embedded = embeddedFileMap(repo);

  // First pass only discovers which heavy libraries the agent imports; their names are then
  // compiled into the main script (version --self-check loads each one).
  const seen = new Map();
  await buildMain(repo, undefined, { __HASHINODE_BUNDLED__: 'true' }, seen);
  const chunks = [...seen.entries()].map(([spec, r]) => ({ spec, name: r.name, importers: [...r.importers].sort() }));
  chunks.sort((a, b) => a.name.localeCompare(b.name));

  const outfile = path.join(dist, 'hashinode.cjs');
  const result = await buildMain(
    repo,
    outfile,
    {
      __HASHINODE_BUNDLED__: 'true',
      __HASHINODE_EMBEDDED__: JSON.stringify(JSON.stringify(embedded)),
      __HASHINODE_CHUNKS__: JSON.stringify(JSON.stringify(chunks.map((c) => c.name))),
    },
    new Map(),
  );

  for (const chunk of chunks) {
    const file = path.join(dist, 'chunks', `${chunk.name}.cjs`);
    await esbuild.build({
      ...COMMON,
      stdin: { contents: `module.exports = require(${JSON.stringify(chunk.spec)});\n`, resolveDir: repo, loader: 'js' },
      outfile: file,
    });
    chunk.file = file;
    chunk.bytes = statSync(file).size;
    log(`chunk ${chunk.name}: ${(chunk.bytes / 1024).toFixed(0)} KiB  <- ${chunk.importers.join(', ')}`);
  }
  const main = mainScriptOrigins(result.metafile, outfile);
  const top = Object.entries(main.byOrigin)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([o, b]) => `${o} ${(b / 1024).toFixed(0)} KiB`);
  log(`main script ${path.relative(repo, outfile)}: ${(main.bytes / 1024).toFixed(0)} KiB (${top.join(', ')})`);
  log(`embedded files: ${Object.keys(embedded).length} (${EMBEDDED_DIRS.join(', ')})`);
  return { main, chunks, embedded: Object.keys(embedded) };
}
