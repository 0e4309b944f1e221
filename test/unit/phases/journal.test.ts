import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isHashinodeError } from '../../../agent/core/errors.ts';
import { Journal } from '../../../agent/phases/journal.ts';
import { tempDir } from '../../helpers/tmp.ts';

const rec = (bootId: string) => ({ status: 'done' as const, startedAt: 't0', endedAt: 't1', durationMs: 1, bootId });

describe('journal', () => {
  it('writes nothing before it knows the instance, then persists 0600', async () => {
    const file = path.join(await tempDir(), 'var/lib/hashinode/journal.json');
    const j = await Journal.load(file);
    await j.setPhase('identify', rec('b1'));
    await expect(stat(file)).rejects.toThrow();
    await j.bindInstance('i-1');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const again = await Journal.load(file);
    expect(again.instanceId).toBe('i-1');
    expect(again.record('identify')?.status).toBe('done');
  });

  it.each([
    ['per-instance', 'b1', true],
    ['per-instance', 'b2', true],
    ['per-boot', 'b1', true],
    ['per-boot', 'b2', false],
    ['always', 'b1', false],
  ] as const)('a done %s phase is done on boot %s: %s', async (frequency, boot, done) => {
    const j = await Journal.load(path.join(await tempDir(), 'j.json'));
    await j.bindInstance('i-1');
    await j.setPhase('p', rec('b1'));
    expect(j.isDone('p', frequency, boot)).toBe(done);
  });

  it('a failed or running phase is never done', async () => {
    const j = await Journal.load(path.join(await tempDir(), 'j.json'));
    await j.bindInstance('i-1');
    await j.setPhase('p', { status: 'failed', startedAt: 't', bootId: 'b1' });
    await j.setPhase('q', { status: 'running', startedAt: 't', bootId: 'b1' });
    expect(j.isDone('p', 'per-instance', 'b1')).toBe(false);
    expect(j.isDone('q', 'per-instance', 'b1')).toBe(false);
  });

  it('a journal from another instance id (a baked AMI) starts over, keeping this run’s records', async () => {
    const file = path.join(await tempDir(), 'j.json');
    const old = await Journal.load(file);
    await old.bindInstance('i-old');
    await old.setPhase('pki', rec('b1'));
    await old.checkpoint('consul-bootstrap:acl', 't');
    await old.markRestart('consul');
    const j = await Journal.load(file);
    await j.setPhase('identify', rec('b2'));
    expect(await j.bindInstance('i-new')).toBe(true);
    const snap = j.snapshot();
    expect(snap.instanceId).toBe('i-new');
    expect(Object.keys(snap.phases)).toEqual(['identify']);
    expect(snap.checkpoints).toEqual({});
    expect(snap.pendingRestart).toEqual([]);
  });

  it('the same instance id keeps everything', async () => {
    const file = path.join(await tempDir(), 'j.json');
    const a = await Journal.load(file);
    await a.bindInstance('i-1');
    await a.setPhase('pki', rec('b1'));
    await a.checkpoint('x', 't');
    const b = await Journal.load(file);
    expect(await b.bindInstance('i-1')).toBe(false);
    expect(b.isDone('pki', 'per-instance', 'b9')).toBe(true);
    expect(b.hasCheckpoint('x')).toBe(true);
  });

  it('pending restarts are durable until cleared', async () => {
    const file = path.join(await tempDir(), 'j.json');
    const a = await Journal.load(file);
    await a.bindInstance('i-1');
    await a.markRestart('consul');
    await a.markRestart('consul');
    expect((await Journal.load(file)).restartPending('consul')).toBe(true);
    await a.clearRestart('consul');
    expect((await Journal.load(file)).restartPending('consul')).toBe(false);
  });

  it('keeps the last 20 runs', async () => {
    const j = await Journal.load(path.join(await tempDir(), 'j.json'));
    await j.bindInstance('i-1');
    for (let i = 0; i < 25; i++) await j.addRun({ startedAt: String(i), bootId: 'b', phases: [] });
    const runs = j.snapshot().runs;
    expect(runs).toHaveLength(20);
    expect(runs[0]!.startedAt).toBe('5');
  });

  it.each([['{not json'], ['{"version":2,"phases":{}}'], ['[]']])('an unreadable journal %s is HN_E_JOURNAL naming the file', async (text) => {
    const file = path.join(await tempDir(), 'journal.json');
    await writeFile(file, text);
    const err = await Journal.load(file).catch((e) => e);
    expect(isHashinodeError(err, 'HN_E_JOURNAL')).toBe(true);
    expect(err.message).toContain(file);
    expect(await readFile(file, 'utf8')).toBe(text);
  });
});
