import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../agent/core/clock.ts';
import { processExec } from '../../../agent/core/exec.ts';
import { nodeHttp } from '../../../agent/core/http.ts';
import { silentLog } from '../../../agent/core/log.ts';
import { Paths } from '../../../agent/core/paths.ts';
import { getValue } from '../../../agent/hcl/index.ts';
import { identityCertsFromRoot, loadPhaseEdit, readBootId } from '../../../agent/phases/integrations.ts';
import { tempDir } from '../../helpers/tmp.ts';

const CONSUL = `server = true
bootstrap_expect = 3
retry_join = ["provider=aws tag_key=k tag_value=v"]
ports {
  http     = 8500
  https    = 8501
  grpc_tls = 8503
}
tls {
  defaults {
    ca_file = "/etc/consul.d/tls/ca.pem"
  }
}
acl {
  enabled        = true
  default_policy = "deny"
}
`;

const deps = (root: string) => ({ clock: new ManualClock(), paths: new Paths(root), http: nodeHttp, exec: processExec, log: silentLog() });

describe('workflow integrations', () => {
  it('the bootstrap form has no TLS, so its TLS ports are closed; the rest follows the HCL edit', async () => {
    const edit = await loadPhaseEdit();
    const boot = edit(CONSUL, 'bootstrap', 'consul', 'consul.hcl');
    expect(getValue(boot, 'tls')).toBeUndefined();
    expect(getValue(boot, 'ports.https')).toBe(-1);
    expect(getValue(boot, 'ports.grpc_tls')).toBe(-1);
    expect(getValue(boot, 'ports.http')).toBe(8500);
    expect(getValue(boot, 'bootstrap_expect')).toBe(1);
    expect(getValue(boot, 'acl.default_policy')).toBe('allow');
    expect(edit(boot, 'revert', 'consul', 'consul.hcl')).toBe(CONSUL);
  });

  it('identity-certs.json under the root adds regions to the AWS certificates', async () => {
    const root = await tempDir();
    expect(await identityCertsFromRoot(deps(root))).toBeUndefined();
    await mkdir(path.join(root, 'etc/hashinode'), { recursive: true });
    await writeFile(path.join(root, 'etc/hashinode/identity-certs.json'), JSON.stringify({ 'sim-1': 'PEM' }));
    const certs = await identityCertsFromRoot(deps(root));
    expect(certs?.['sim-1']).toBe('PEM');
    expect(certs?.['us-east-1']).toContain('BEGIN CERTIFICATE');
  });

  it('a boot id under the root wins over the host’s', async () => {
    const root = await tempDir();
    expect(await readBootId(deps(root))).toMatch(/\S/);
    await mkdir(path.join(root, 'proc/sys/kernel/random'), { recursive: true });
    await writeFile(path.join(root, 'proc/sys/kernel/random/boot_id'), 'boot-2\n');
    expect(await readBootId(deps(root))).toBe('boot-2');
  });
});
