import { chmod, lstat, mkdir, readFile, readdir, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isHashinodeError } from '../../../agent/core/errors.ts';
import { ensureDir, runningAsRoot, writeFileAtomic } from '../../../agent/render/writer.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { faultyFs, makeRoot } from './writer-fixtures.ts';

async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    if (isHashinodeError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a rejection');
}

async function setup() {
  const root = await tempDir();
  await makeRoot(root);
  const file = path.join(root, 'etc/consul.d/consul.hcl');
  return { root, file };
}

describe('writeFileAtomic', () => {
  it('creates the file (and missing directories) with its mode and owner', async () => {
    const { root, file } = await setup();
    expect(await writeFileAtomic(file, 'a = 1\n', { root, mode: 0o640, owner: 'consul', group: 'consul', applyOwnership: runningAsRoot() })).toEqual({ changed: true });
    expect(await readFile(file, 'utf8')).toBe('a = 1\n');
    const st = await stat(file);
    expect(st.mode & 0o7777).toBe(0o640);
    if (runningAsRoot()) expect([st.uid, st.gid]).toEqual([997, 997]);
    expect(await readdir(path.dirname(file))).toEqual(['consul.hcl']);
  });

  it('leaves identical bytes alone: mtime unchanged, changed=false', async () => {
    const { root, file } = await setup();
    await writeFileAtomic(file, 'a = 1\n', { root, mode: 0o640 });
    const past = new Date('2020-01-01T00:00:00Z');
    await utimes(file, past, past);
    expect(await writeFileAtomic(file, 'a = 1\n', { root, mode: 0o640 })).toEqual({ changed: false });
    expect((await stat(file)).mtime.toISOString()).toBe(past.toISOString());
    expect(await writeFileAtomic(file, Buffer.from('a = 1\n'), { root, mode: 0o640 })).toEqual({ changed: false });
  });

  it('repairs the mode of an identical file without rewriting it', async () => {
    const { root, file } = await setup();
    await writeFileAtomic(file, 'x\n', { root, mode: 0o640 });
    await chmod(file, 0o666);
    const past = new Date('2020-01-01T00:00:00Z');
    await utimes(file, past, past);
    expect(await writeFileAtomic(file, 'x\n', { root, mode: 0o640 })).toEqual({ changed: false });
    const st = await stat(file);
    expect(st.mode & 0o7777).toBe(0o640);
    expect(st.mtime.toISOString()).toBe(past.toISOString());
  });

  it('replaces changed content and a symlink (resolv.conf pointing at systemd-resolved)', async () => {
    const { root, file } = await setup();
    await writeFileAtomic(file, 'old\n', { root, mode: 0o640 });
    expect(await writeFileAtomic(file, 'new\n', { root, mode: 0o640 })).toEqual({ changed: true });
    expect(await readFile(file, 'utf8')).toBe('new\n');
    const resolv = path.join(root, 'etc/resolv.conf');
    await writeFile(path.join(root, 'stub'), 'nameserver 127.0.0.1\n');
    await symlink(path.join(root, 'stub'), resolv);
    expect(await writeFileAtomic(resolv, 'nameserver 127.0.0.1\n', { root, mode: 0o644 })).toEqual({ changed: true });
    expect((await lstat(resolv)).isSymbolicLink()).toBe(false);
  });

  it.each([
    [{ owner: 'consul-missing', group: 'consul' }, "user 'consul-missing'"],
    [{ owner: 'consul', group: 'nogroup' }, "group 'nogroup'"],
  ])('an unknown owner %j is HN_E_OWNER_UNKNOWN and nothing is written', async (who, text) => {
    const { root, file } = await setup();
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, 'old\n');
    const e = await rejection(writeFileAtomic(file, 'new\n', { root, mode: 0o640, ...who }));
    expect(e.code).toBe('HN_E_OWNER_UNKNOWN');
    expect(e.message).toContain(text);
    expect(e.message).toContain(file);
    expect(await readFile(file, 'utf8')).toBe('old\n');
  });

  it.each([
    ['disk full while writing', 'write', 'ENOSPC', 'disk full'],
    ['disk full on fsync', 'fsync', 'ENOSPC', 'disk full'],
    ['rename refused', 'rename', 'EACCES', 'permission denied'],
    ['temp file cannot be created', 'open', 'EACCES', 'permission denied'],
    ['read-only filesystem', 'open', 'EROFS', 'read-only'],
  ])('%s: HN_E_FILE_WRITE, old file untouched, no temp file left', async (_name, op, errno, hint) => {
    const { root, file } = await setup();
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, 'old\n');
    const fs = faultyFs((o, f) => (o === op && f.endsWith('.tmp') ? errno : undefined));
    const e = await rejection(writeFileAtomic(file, 'new content\n', { root, mode: 0o640, fs }));
    expect(e.code).toBe('HN_E_FILE_WRITE');
    expect(e.message).toContain(file);
    expect(e.message).toContain(hint);
    expect(await readFile(file, 'utf8')).toBe('old\n');
    expect(await readdir(path.dirname(file))).toEqual(['consul.hcl']);
  });

  it('an unwritable directory is HN_E_FILE_WRITE (real permissions when not root, injected EACCES as root)', async () => {
    const { root, file } = await setup();
    const dir = path.dirname(file);
    await mkdir(dir, { recursive: true });
    await writeFile(file, 'old\n');
    await chmod(dir, 0o555);
    const fs = runningAsRoot() ? faultyFs((o, f) => (o === 'open' && f.startsWith(dir) && f.endsWith('.tmp') ? 'EACCES' : undefined)) : undefined;
    try {
      const e = await rejection(writeFileAtomic(file, 'new\n', { root, mode: 0o640, fs }));
      expect(e.code).toBe('HN_E_FILE_WRITE');
      expect(await readFile(file, 'utf8')).toBe('old\n');
    } finally {
      await chmod(dir, 0o755);
    }
    expect(await readdir(dir)).toEqual(['consul.hcl']);
  });

  it('refuses to replace a directory', async () => {
    const { root, file } = await setup();
    await mkdir(file, { recursive: true });
    expect((await rejection(writeFileAtomic(file, 'x', { root, mode: 0o640 }))).code).toBe('HN_E_FILE_WRITE');
  });

  it('fsyncs the temp file before the rename', async () => {
    const { root, file } = await setup();
    const fs = faultyFs(() => undefined);
    await writeFileAtomic(file, 'x\n', { root, mode: 0o600, fs });
    const kinds = fs.ops.map((o) => o.split(' ')[0]);
    expect(kinds.indexOf('fsync')).toBeGreaterThan(kinds.indexOf('write'));
    expect(kinds.indexOf('rename')).toBeGreaterThan(kinds.indexOf('fsync'));
    expect(kinds.indexOf('chmod')).toBeLessThan(kinds.indexOf('rename'));
  });
});

describe('ensureDir', () => {
  it('creates a 0750 directory and reports no change the second time', async () => {
    const { root } = await setup();
    const dir = path.join(root, 'etc/nomad.d');
    expect(await ensureDir(dir, { root, mode: 0o750, owner: 'nomad', group: 'nomad' })).toEqual({ changed: true });
    expect((await stat(dir)).mode & 0o7777).toBe(0o750);
    expect(await ensureDir(dir, { root, mode: 0o750, owner: 'nomad', group: 'nomad' })).toEqual({ changed: false });
    await chmod(dir, 0o777);
    expect(await ensureDir(dir, { root, mode: 0o750, owner: 'nomad', group: 'nomad' })).toEqual({ changed: true });
    expect((await stat(dir)).mode & 0o7777).toBe(0o750);
  });

  it('an unknown owner is HN_E_OWNER_UNKNOWN', async () => {
    const { root } = await setup();
    expect((await rejection(ensureDir(path.join(root, 'etc/x.d'), { root, mode: 0o750, owner: 'nobody-here' }))).code).toBe('HN_E_OWNER_UNKNOWN');
  });
});
