// npm run build [-- --no-sea] [-- --pin] [-- --targets linux-arm64,...]
//
// 1. esbuild: agent/main.ts -> dist/hashinode.cjs (+ dist/chunks/*.cjs), runnable as
//    `node dist/hashinode.cjs ...` (packaging/build/bundle.mjs).
// 2. Node binaries of the pinned version, from the npm registry, cached, sha256-checked
//    (packaging/build/node-binaries.mjs, packaging/node-binaries.json).
// 3. One SEA blob made by the x64 Node, injected into each target's Node:
//    dist/hashinode-linux-x64, dist/hashinode-linux-arm64 (packaging/build/sea.mjs).

import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { bundle } from './packaging/build/bundle.mjs';
import { nodeBinary, readPins } from './packaging/build/node-binaries.mjs';
import { injectBlob, makeBlob } from './packaging/build/sea.mjs';

const repo = import.meta.dirname;
const dist = path.join(repo, 'dist');

const { values } = parseArgs({
  options: {
    'no-sea': { type: 'boolean', default: false },
    pin: { type: 'boolean', default: false },
    targets: { type: 'string' },
    quiet: { type: 'boolean', default: false },
  },
  strict: true,
});

const started = performance.now();
const log = (message) => {
  if (!values.quiet) process.stdout.write(`build: ${message}\n`);
};

async function run() {
  const bundled = await bundle(repo, dist, log);
  const manifest = {
    main: { bytes: bundled.main.bytes, byOrigin: bundled.main.byOrigin, modules: bundled.mainModules },
    chunks: {},
    embedded: bundled.embedded,
  };
  for (const c of bundled.chunks) manifest.chunks[c.name] = { kind: c.kind, source: c.spec, bytes: c.bytes, importers: c.importers };

  const pins = readPins(repo);
  const targets = values['no-sea'] ? [] : values.targets ? values.targets.split(',') : Object.keys(pins.binaries);
  // An executable not rebuilt now would carry an older bundle: remove it rather than leave it stale.
  for (const target of Object.keys(pins.binaries)) {
    if (!targets.includes(target)) rmSync(path.join(dist, `hashinode-${target}`), { force: true });
  }
  if (targets.length > 0) {
    // The blob is made by the x64 Node (the architecture of the build machines). Its content does
    // not depend on the architecture (no code cache, no snapshot), so another host can make it with
    // its own Node of the same version.
    const hostTarget = `linux-${process.arch}`;
    const blobMaker = pins.binaries['linux-x64'] && process.arch === 'x64' ? 'linux-x64' : hostTarget;
    const blobNode = nodeBinary(repo, blobMaker, { log, pin: values.pin });
    const blob = makeBlob(repo, dist, { blobNode: blobNode.file, chunks: bundled.chunks, log });
    manifest.node = { version: blobNode.version, blobMadeBy: blobMaker, binaries: {} };
    for (const target of targets) {
      const binary = nodeBinary(repo, target, { log, pin: values.pin });
      manifest.node.binaries[target] = binary.sha256;
      await injectBlob(repo, { nodeBinary: binary.file, blob, outfile: path.join(dist, `hashinode-${target}`), log });
    }
  }
  writeFileSync(path.join(dist, 'build-manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

run().catch((err) => {
  process.stderr.write(`build failed: ${err?.message ?? err}\n`);
  process.exitCode = 1;
});
