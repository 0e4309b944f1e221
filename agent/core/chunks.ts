import path from 'node:path';
import { isSingleExecutable, seaAsset } from './sea.ts';

// The bundle's main script holds only what `version` and `--help` need: V8 must at least pre-parse
// every byte of it on each start, so code a command never runs would still cost start-up. build.mjs
// puts each command's code (agent-cli-<name>) and each heavy library (AWS SDK, hcl2-parser, x509,
// chokidar, pino) into its own file, dist/chunks/<name>.cjs (also embedded in the single
// executable), and replaces the import by a stub that calls loadChunk() the first time it runs.
// Chunks reach the main script's own modules (errors, this cache) through a table it publishes,
// so there is one HashinodeError class per process. From the sources this file is never used.

type ModuleCtor = {
  new (id: string, parent?: unknown): { filename: string; paths: string[]; exports: unknown; _compile(code: string, filename: string): void };
  _nodeModulePaths(dir: string): string[];
  createRequire(filename: string): (id: string) => unknown;
};

const loaded = new Map<string, unknown>();

/** Loads the chunk `name`: from the executable's assets, else from `<bundleDir>/chunks/<name>.cjs`. */
export function loadChunk(name: string, bundleDir: string): unknown {
  if (loaded.has(name)) return loaded.get(name);
  const Module = process.getBuiltinModule('node:module') as unknown as ModuleCtor;
  const file = path.join(bundleDir, 'chunks', `${name}.cjs`);
  let exports: unknown;
  if (isSingleExecutable()) {
    const code = seaAsset(`chunks/${name}.cjs`);
    if (code === undefined) throw new Error(`chunk ${name} is not embedded in this executable`);
    // The executable's own require() only reaches built-in modules; a Module compiled from the
    // asset gets a normal one, which is all a self-contained chunk needs.
    const mod = new Module(file);
    mod.filename = file;
    mod.paths = Module._nodeModulePaths(path.dirname(file));
    mod._compile(code, file);
    exports = mod.exports;
  } else {
    exports = Module.createRequire(file)(file);
  }
  loaded.set(name, exports);
  return exports;
}

declare const __HASHINODE_CHUNKS__: string | undefined;

/** Names of the chunks this build carries (empty when running from the sources). */
export function chunkNames(): string[] {
  return typeof __HASHINODE_CHUNKS__ === 'undefined' ? [] : (JSON.parse(__HASHINODE_CHUNKS__) as string[]);
}
