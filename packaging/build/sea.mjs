// Single executable applications: ONE blob, made by the x64 Node of the pinned version (no code
// cache, no snapshot, so nothing in it depends on the architecture), injected with postject into a
// copy of each architecture's Node binary of that same version.

import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
export const SEA_RESOURCE = 'NODE_SEA_BLOB';

/** Writes the SEA config (base + main + assets) and makes the blob with `blobNode`. */
export function makeBlob(repo, dist, { blobNode, chunks, log }) {
  const work = path.join(dist, 'sea');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const base = JSON.parse(readFileSync(path.join(repo, 'packaging/sea-config.base.json'), 'utf8'));
  delete base.$comment;
  const blob = path.join(work, 'hashinode.blob');
  const config = {
    ...base,
    main: path.join(dist, 'hashinode.cjs'),
    output: blob,
    assets: Object.fromEntries(chunks.map((c) => [`chunks/${c.name}.cjs`, c.file])),
  };
  const configFile = path.join(work, 'sea-config.json');
  writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
  try {
    execFileSync(blobNode, ['--experimental-sea-config', configFile], { cwd: repo, stdio: 'pipe', encoding: 'utf8' });
  } catch (err) {
    throw new Error(`${blobNode} --experimental-sea-config ${configFile} failed:\n${err.stderr || err.stdout || err.message}`);
  }
  log(`SEA blob ${path.relative(repo, blob)}: ${(statSync(blob).size / 1024).toFixed(0)} KiB`);
  return blob;
}

/** Copies `nodeBinary` to `outfile` and injects `blob`; the result replaces outfile atomically. */
export async function injectBlob(repo, { nodeBinary, blob, outfile, log }) {
  const { inject } = createRequire(path.join(repo, 'package.json'))('postject');
  const tmp = `${outfile}.tmp`;
  rmSync(tmp, { force: true });
  copyFileSync(nodeBinary, tmp);
  chmodSync(tmp, 0o755);
  // postject prints progress on console.log and, through its ELF library, harmless warnings about
  // Node's unnamed .note sections on console.warn; keep them unless the injection fails.
  const saved = { log: console.log, warn: console.warn };
  const noise = [];
  console.log = () => {};
  console.warn = (...args) => noise.push(args.join(' '));
  try {
    await inject(tmp, SEA_RESOURCE, readFileSync(blob), { sentinelFuse: SEA_FUSE, overwrite: true });
  } catch (err) {
    for (const line of noise) process.stderr.write(`postject: ${line}\n`);
    throw new Error(`postject could not inject the blob into ${tmp}: ${err?.message ?? err}`);
  } finally {
    console.log = saved.log;
    console.warn = saved.warn;
  }
  chmodSync(tmp, 0o755);
  renameSync(tmp, outfile);
  log(`${path.relative(repo, outfile)}: ${(statSync(outfile).size / 1024 / 1024).toFixed(1)} MiB`);
}
