import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';

// The shared state directory stands in for the network and for raft: several stand-in processes
// read and write it at once, so every write is temp + rename (readers never see half a file) and
// read-modify-write goes through a lock file created with O_EXCL.

export function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

export function writeJsonAtomic(file: string, data: unknown, mode = 0o644): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`, { mode });
  renameSync(tmp, file);
}

/** Creates `file` only if it does not exist (the one-time markers); true when this call created it. */
export function createExclusive(file: string, content: string): boolean {
  mkdirSync(path.dirname(file), { recursive: true });
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const LOCK_STALE_MS = 5_000;

/**
 * Runs `fn` holding `<file>.lock`. A lock whose holder died (pid gone) or that is older than a few
 * seconds is broken: the holders only do short synchronous file work.
 */
export async function withLock<T>(file: string, fn: () => T): Promise<T> {
  const lock = `${file}.lock`;
  mkdirSync(path.dirname(lock), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    if (createExclusive(lock, String(process.pid))) break;
    const holder = Number(readFileSafe(lock));
    let age = 0;
    try {
      age = Date.now() - statSync(lock).mtimeMs;
    } catch {
      continue;
    }
    if ((holder > 0 && !pidAlive(holder)) || age > LOCK_STALE_MS) {
      rmSync(lock, { force: true });
      continue;
    }
    await new Promise((r) => setTimeout(r, Math.min(5 + attempt * 5, 50)));
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
