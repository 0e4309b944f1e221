// The Node.js binaries the executables are made from. They come from the npm registry packages
// node-linux-<arch> (fetched with `npm pack`, so the registry's integrity check applies), are kept
// in a cache between builds, and must match the sha256 pinned in packaging/node-binaries.json: a
// build never silently ships a different Node than the one that was reviewed.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

export const PINS_FILE = 'packaging/node-binaries.json';

export function readPins(repo) {
  return JSON.parse(readFileSync(path.join(repo, PINS_FILE), 'utf8'));
}

export function cacheDir() {
  const base = process.env.HASHINODE_CACHE_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'hashinode');
  return base;
}

export function sha256File(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Where the cached binary of `target` (e.g. linux-arm64) at `version` lives. */
export function cachedBinaryPath(version, target) {
  return path.join(cacheDir(), `node-v${version}-${target}`, 'node');
}

function fetchBinary(pkg, version, dest, log) {
  const work = path.join(cacheDir(), `.fetch-${pkg}-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    log(`fetching ${pkg}@${version} from the npm registry`);
    const out = execFileSync('npm', ['pack', `${pkg}@${version}`, '--json', '--pack-destination', work], {
      cwd: work,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const tarball = path.join(work, JSON.parse(out)[0].filename);
    execFileSync('tar', ['-xzf', tarball, '-C', work, 'package/bin/node'], { stdio: 'inherit' });
    mkdirSync(path.dirname(dest), { recursive: true });
    renameSync(path.join(work, 'package/bin/node'), dest);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Returns the path of the verified Node binary for `target`, fetching it into the cache when absent.
 * With `pin`, a mismatching or new sha256 is written to the pins file instead of failing.
 */
export function nodeBinary(repo, target, { log, pin = false }) {
  const pins = readPins(repo);
  const entry = pins.binaries[target];
  if (!entry) throw new Error(`${PINS_FILE}: no binary pinned for ${target} (have ${Object.keys(pins.binaries).join(', ')})`);
  const file = cachedBinaryPath(pins.version, target);
  if (!existsSync(file)) fetchBinary(entry.package, pins.version, file, log);
  const actual = sha256File(file);
  if (actual !== entry.sha256) {
    if (pin) {
      entry.sha256 = actual;
      writeFileSync(path.join(repo, PINS_FILE), `${JSON.stringify(pins, null, 2)}\n`);
      log(`pinned ${entry.package}@${pins.version} bin/node sha256 ${actual} in ${PINS_FILE}`);
    } else {
      throw new Error(
        [
          `Node binary sha256 mismatch for ${entry.package}@${pins.version} (${target})`,
          `  file:     ${file}`,
          `  expected: ${entry.sha256} (${PINS_FILE})`,
          `  actual:   ${actual}`,
          'Refusing to build. Delete the cached file to fetch it again; if the pin itself is what should change,',
          `compare it with bin/node of the official tarball (verified against https://nodejs.org/dist/v${pins.version}/SHASUMS256.txt), then run \`npm run build -- --pin\`.`,
        ].join('\n'),
      );
    }
  }
  return { file, version: pins.version, sha256: actual };
}
