import { readFile, stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { isHashinodeError } from '../../../agent/core/errors.ts';
import type { Exec, ExecResult } from '../../../agent/core/exec.ts';
import { Paths } from '../../../agent/core/paths.ts';
import { BOOTSTRAP_DROPIN } from '../../../agent/supervisor/service-manager.ts';
import { SystemdServiceManager } from '../../../agent/supervisor/systemd.ts';
import { tempDir } from '../../helpers/tmp.ts';

function recordingExec(answer: (args: readonly string[]) => Partial<ExecResult> = () => ({})) {
  const calls: string[] = [];
  const exec: Exec = {
    async run(file, args) {
      calls.push([file, ...args].join(' '));
      return { code: 0, stdout: '', stderr: '', ...answer(args) };
    },
  };
  return { exec, calls };
}

async function setup(answer?: (args: readonly string[]) => Partial<ExecResult>) {
  const root = await tempDir();
  const rec = recordingExec(answer);
  return { root, ...rec, sm: new SystemdServiceManager({ exec: rec.exec, paths: new Paths(root) }) };
}

describe('systemd service manager', () => {
  it('writes the runtime drop-in under /run/systemd/system/<unit>.service.d and reloads once before the next start', async () => {
    const { root, sm, calls } = await setup();
    expect(await sm.setDropIn('consul', BOOTSTRAP_DROPIN.name, BOOTSTRAP_DROPIN.content)).toEqual({ changed: true });
    const file = `${root}/run/systemd/system/consul.service.d/50-hashinode-bootstrap.conf`;
    expect(await readFile(file, 'utf8')).toBe('[Service]\nType=exec\n');
    expect((await stat(file)).mode & 0o777).toBe(0o644);
    await sm.start('consul');
    await sm.restart('consul');
    expect(calls).toEqual(['systemctl daemon-reload', 'systemctl start consul.service', 'systemctl show --property=NeedDaemonReload --value consul.service', 'systemctl restart consul.service']);
  });

  it('an unchanged drop-in causes no daemon-reload', async () => {
    const { sm, calls } = await setup();
    await sm.setDropIn('consul', 'a.conf', 'x');
    await sm.start('consul');
    calls.length = 0;
    expect(await sm.setDropIn('consul', 'a.conf', 'x')).toEqual({ changed: false });
    await sm.restart('consul');
    expect(calls).not.toContain('systemctl daemon-reload');
  });

  it('removing the drop-in is a change; removing a missing one is not', async () => {
    const { sm, calls } = await setup();
    await sm.setDropIn('consul', 'a.conf', 'x');
    await sm.start('consul');
    expect(await sm.setDropIn('consul', 'a.conf', null)).toEqual({ changed: true });
    expect(await sm.setDropIn('consul', 'a.conf', null)).toEqual({ changed: false });
    await sm.restart('consul');
    expect(calls.filter((c) => c === 'systemctl daemon-reload')).toHaveLength(2);
  });

  it('reloads when systemd reports NeedDaemonReload (a drop-in left by a killed run)', async () => {
    const { sm, calls } = await setup((args) => (args[0] === 'show' ? { stdout: 'yes\n' } : {}));
    await sm.restart('nomad');
    expect(calls).toEqual(['systemctl show --property=NeedDaemonReload --value nomad.service', 'systemctl daemon-reload', 'systemctl restart nomad.service']);
  });

  it('is-active maps to the exit code', async () => {
    const up = await setup();
    expect(await up.sm.isActive('vault')).toBe(true);
    const down = await setup(() => ({ code: 3 }));
    expect(await down.sm.isActive('vault')).toBe(false);
    expect(down.calls).toEqual(['systemctl is-active --quiet vault.service']);
  });

  it('a failing systemctl is HN_E_SERVICE with its stderr', async () => {
    const { sm } = await setup((args) => (args[0] === 'start' ? { code: 1, stderr: 'Job for consul.service failed.' } : {}));
    const err = await sm.start('consul').catch((e) => e);
    expect(isHashinodeError(err, 'HN_E_SERVICE')).toBe(true);
    expect(err.message).toContain('systemctl start consul.service exited 1: Job for consul.service failed.');
  });

  it('enable and stop call systemctl with the unit name', async () => {
    const { sm, calls } = await setup();
    await sm.enable('dnsmasq');
    await sm.stop('dnsmasq');
    expect(calls.filter((c) => !c.includes(' show '))).toEqual(['systemctl enable dnsmasq.service', 'systemctl stop dnsmasq.service']);
  });
});
