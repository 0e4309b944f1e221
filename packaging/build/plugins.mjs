// esbuild plugins that cut the program into a small main script and chunks loaded on demand.
//
// Three kinds of stub replace imports:
// - heavy library (HEAVY): `require('agent/core/chunks.ts').loadChunk('<lib>', dir)`;
// - lazy agent module (a dynamic import() from the main script of a module outside it, e.g. each
//   command): the same, with the chunk `agent-cli-<command>` holding that module's whole graph;
// - shared module (inside a chunk, an import of a module that lives in the main script): a lookup
//   in the table the main script publishes, so chunks use the main script's instances (one
//   HashinodeError class, one chunk cache) instead of private copies.

import { existsSync } from 'node:fs';
import path from 'node:path';

/** Bare import specifiers that become chunks instead of being bundled into the main script. */
export const HEAVY = /^(?:@aws-sdk\/|@smithy\/|@peculiar\/|(?:hcl2-parser|chokidar|node-forge|reflect-metadata|tsyringe|pino)(?:\/|$))/;

/** The global under which the main script publishes its modules to the chunks. */
export const SHARED_KEY = 'hashinode.shared';

export function chunkName(specifier) {
  return specifier.replace(/^@/, '').replace(/[^A-Za-z0-9._-]+/g, '-');
}

/** Chunk name of an agent module, from its repository-relative path: agent/cli/pki.ts -> agent-cli-pki. */
export function agentChunkName(rel) {
  return rel.replace(/\.ts$/, '').replace(/[^A-Za-z0-9._-]+/g, '-');
}

function loaderCall(repo, name, dirExpr) {
  const loader = path.join(repo, 'agent/core/chunks.ts');
  return `module.exports = require(${JSON.stringify(loader)}).loadChunk(${JSON.stringify(name)}, ${dirExpr});\n`;
}

function record(map, key, value, importer) {
  const entry = map.get(key) ?? { ...value, importers: new Set() };
  entry.importers.add(importer);
  map.set(key, entry);
}

/**
 * @param repo repository root
 * @param opts.plan { heavy: Map, lazy: Map } filled with what was stubbed and who imported it
 * @param opts.inMain (abs file) => boolean: modules that live in the main script
 * @param opts.isChunk true when building a chunk (imports of main-script modules become shared stubs)
 */
export function splitPlugin(repo, { plan, inMain, isChunk }) {
  // A chunk lives in <dist>/chunks/, the main script in <dist>/: stubs pass <dist>.
  const dirExpr = isChunk ? 'require("node:path").dirname(__dirname)' : '__dirname';
  return {
    name: 'hashinode-split',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        const spec = args.path;
        const importer = args.importer ? path.relative(repo, args.importer) : '(entry)';
        const how = args.kind === 'dynamic-import' ? 'dynamic' : 'static';
        if (HEAVY.test(spec)) {
          record(plan.heavy, spec, { name: chunkName(spec) }, `${importer} (${how})`);
          return { path: spec, namespace: 'hashinode-heavy' };
        }
        if (!spec.startsWith('.') && !path.isAbsolute(spec)) return undefined;
        const file = path.resolve(args.resolveDir, spec);
        if (!file.startsWith(path.join(repo, 'agent') + path.sep) || !existsSync(file)) return undefined;
        if (isChunk && inMain(file)) return { path: path.relative(repo, file), namespace: 'hashinode-shared' };
        if (!isChunk && args.kind === 'dynamic-import' && !inMain(file)) {
          const rel = path.relative(repo, file);
          record(plan.lazy, rel, { name: agentChunkName(rel), file }, importer);
          return { path: rel, namespace: 'hashinode-lazy' };
        }
        return undefined;
      });
      build.onLoad({ filter: /.*/, namespace: 'hashinode-heavy' }, (args) => ({
        contents: loaderCall(repo, chunkName(args.path), dirExpr),
        resolveDir: repo,
        loader: 'js',
      }));
      build.onLoad({ filter: /.*/, namespace: 'hashinode-lazy' }, (args) => ({
        contents: loaderCall(repo, agentChunkName(args.path), dirExpr),
        resolveDir: repo,
        loader: 'js',
      }));
      build.onLoad({ filter: /.*/, namespace: 'hashinode-shared' }, (args) => ({
        contents: [
          `const shared = globalThis[Symbol.for(${JSON.stringify(SHARED_KEY)})];`,
          `if (!shared || !(${JSON.stringify(args.path)} in shared)) throw new Error(${JSON.stringify(`${args.path} lives in the main script, which did not publish it`)});`,
          `module.exports = shared[${JSON.stringify(args.path)}];`,
          '',
        ].join('\n'),
        resolveDir: repo,
        loader: 'js',
      }));
    },
  };
}

/**
 * The main script's entry: publishes every module of the main script (evaluated on first use, not
 * now: log.ts would load pino) for the chunks, then runs agent/main.ts.
 */
export function mainEntrySource(repo, mainModules) {
  const lines = ['const shared = {};', 'const lazily = (rel, load) => {', '  let mod;', '  Object.defineProperty(shared, rel, { enumerable: true, get: () => (mod ??= load()) });', '};'];
  for (const rel of mainModules) lines.push(`lazily(${JSON.stringify(rel)}, () => require(${JSON.stringify(path.join(repo, rel))}));`);
  lines.push(`globalThis[Symbol.for(${JSON.stringify(SHARED_KEY)})] = shared;`);
  lines.push(`require(${JSON.stringify(path.join(repo, 'agent/main.ts'))});`);
  return `${lines.join('\n')}\n`;
}
