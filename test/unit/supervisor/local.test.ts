import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../agent/core/clock.ts';
import { isHashinodeError } from '../../../agent/core/errors.ts';
import { Paths } from '../../../agent/core/paths.ts';
import { LocalServiceManager } from '../../../agent/supervisor/local.ts';
import { tempDir } from '../../helpers/tmp.ts';

const started: LocalServiceManager[] = [];
afterEach(async () => {
  for (const sm of started.splice(0)) for (const u of ['consul', 'nomad', 'vault'] as const) await sm.stop(u).catch(() => undefined);
});

async function setup(scripts: Record<string, string>) {
  const root = await tempDir();
  const bin = path.join(root, 'bin');
  await mkdir(bin);
  for (const [name, body] of Object.entries(scripts)) {
    await writeFile(path.join(bin, name), `#!/bin/sh\n${body}\n`);
    await chmod(path.join(bin, name), 0o755);
  }
  const sm = new LocalServiceManager({ paths: new Paths(root), clock: systemClock, binDir: bin, env: { SIM_MARK: 'yes' }, stopTimeoutMs: 1500, startGraceMs: 600 });
  started.push(sm);
  return { root, sm };
}

const LOOP = 'echo "args: $*"; echo "root: $HASHINODE_ROOT mark: $SIM_MARK"; trap "exit 0" TERM; while :; do sleep 0.05; done';

describe('local service manager', () => {
  it('starts the binary with the agent arguments and env, tracks its pid, and stops it', async () => {
    const { root, sm } = await setup({ consul: LOOP });
    expect(await sm.isActive('consul')).toBe(false);
    await sm.start('consul');
    expect(await sm.isActive('consul')).toBe(true);
    const pid = await sm.pid('consul');
    await sm.start('consul');
    expect(await sm.pid('consul')).toBe(pid);
    await sm.stop('consul');
    expect(await sm.isActive('consul')).toBe(false);
    const log = await readFile(sm.logFile('consul'), 'utf8');
    expect(log).toContain(`args: agent -config-dir=${root}/run/hashinode/local-config/consul.d`);
    expect(log).toContain(`root: ${root} mark: yes`);
  });

  it('restart gives a new process', async () => {
    const { sm } = await setup({ nomad: LOOP });
    await sm.start('nomad');
    const before = await sm.pid('nomad');
    await sm.restart('nomad');
    const after = await sm.pid('nomad');
    expect(after).not.toBeNull();
    expect(after).not.toBe(before);
  });

  it('a process that ignores SIGTERM is killed after the timeout', async () => {
    const { sm } = await setup({ vault: 'trap "" TERM; while :; do sleep 0.05; done' });
    await sm.start('vault');
    const pid = (await sm.pid('vault'))!;
    await sm.stop('vault');
    expect(await sm.isActive('vault')).toBe(false);
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('a binary that exits at once is HN_E_SERVICE with the log tail', async () => {
    const { sm } = await setup({ consul: 'echo "bad config: unknown key foo" >&2; exit 1' });
    const err = await sm.start('consul').catch((e) => e);
    expect(isHashinodeError(err, 'HN_E_SERVICE')).toBe(true);
    expect(err.message).toContain('bad config: unknown key foo');
  });

  it('a missing binary is HN_E_SERVICE', async () => {
    const { sm } = await setup({});
    const err = await sm.start('consul').catch((e) => e);
    expect(isHashinodeError(err, 'HN_E_SERVICE')).toBe(true);
  });

  it('a stale pid file (dead or reused pid) is not active', async () => {
    const { root, sm } = await setup({ consul: LOOP });
    await mkdir(path.join(root, 'run/hashinode/services'), { recursive: true });
    await writeFile(path.join(root, 'run/hashinode/services/consul.pid'), `${process.pid}\n`);
    expect(await sm.isActive('consul')).toBe(false);
  });

  it('a second manager (a restarted agent) sees and stops the services of the first', async () => {
    const { root, sm } = await setup({ consul: LOOP });
    await sm.start('consul');
    const other = new LocalServiceManager({ paths: new Paths(root), clock: systemClock, binDir: path.join(root, 'bin'), stopTimeoutMs: 1500 });
    expect(await other.isActive('consul')).toBe(true);
    await other.stop('consul');
    expect(await sm.isActive('consul')).toBe(false);
  });

  it('dnsmasq is not run locally but reports active once started', async () => {
    const { sm } = await setup({});
    expect(await sm.isActive('dnsmasq')).toBe(false);
    await sm.start('dnsmasq');
    expect(await sm.isActive('dnsmasq')).toBe(true);
    await sm.stop('dnsmasq');
    expect(await sm.isActive('dnsmasq')).toBe(false);
  });

  it('drop-ins are written where systemd would read them', async () => {
    const { root, sm } = await setup({});
    expect(await sm.setDropIn('consul', '50-x.conf', '[Service]\nType=exec\n')).toEqual({ changed: true });
    expect(await readFile(path.join(root, 'run/systemd/system/consul.service.d/50-x.conf'), 'utf8')).toBe('[Service]\nType=exec\n');
  });
});

describe('config under a root', () => {
  it.each([
    ['data_dir = "/opt/consul"', 'data_dir = "/r/opt/consul"'],
    ['ca_file = "/etc/consul.d/tls/ca.pem"', 'ca_file = "/r/etc/consul.d/tls/ca.pem"'],
    ['retry_join = ["provider=aws tag_key=k"]', 'retry_join = ["provider=aws tag_key=k"]'],
    ['path = "vault/"', 'path = "vault/"'],
  ])('%s -> %s', async (input, output) => {
    const { rootedConfigText } = await import('../../../agent/supervisor/local.ts');
    expect(rootedConfigText(input, '/r')).toBe(output);
    expect(rootedConfigText(input, '/')).toBe(input);
  });

  it('the service reads a copy of its config dir with paths under the root', async () => {
    const { root, sm } = await setup({ consul: LOOP });
    await mkdir(path.join(root, 'etc/consul.d'), { recursive: true });
    await writeFile(path.join(root, 'etc/consul.d/consul.hcl'), 'data_dir = "/opt/consul"\n');
    await sm.start('consul');
    expect(await readFile(path.join(root, 'run/hashinode/local-config/consul.d/consul.hcl'), 'utf8')).toBe(`data_dir = "${root}/opt/consul"\n`);
  });
});
