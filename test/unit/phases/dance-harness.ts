import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ManualClock } from '../../../agent/core/clock.ts';
import { nodeHttp } from '../../../agent/core/http.ts';
import { silentLog } from '../../../agent/core/log.ts';
import { Paths } from '../../../agent/core/paths.ts';
import { consulAclPlan } from '../../../agent/phases/acl-plan.ts';
import type { ConsulDancePorts } from '../../../agent/phases/consul-dance.ts';
import { readOptional, writeDurable } from '../../../agent/phases/durable.ts';
import { Journal } from '../../../agent/phases/journal.ts';
import type { SecretKeeper } from '../../../agent/phases/secrets.ts';
import { ConsulApi } from '../../../agent/services/consul.ts';
import { syncDropIn } from '../../../agent/supervisor/dropins.ts';
import type { ServiceManager, Unit } from '../../../agent/supervisor/service-manager.ts';
import type { ClusterSpec } from '../../../agent/node/types.ts';
import { type ConsulModel, newConsulModel, startFakeConsul } from '../services/fake-apis.ts';

// The first-server dance against in-process fakes: a Consul API model whose mode follows the config
// file each (re)start reads, a service manager that records calls, files under a temp root.

export const FULL = 'acl {\n  enabled = true\n  default_policy = "deny"\n}\nbootstrap_expect = 3\n';
export const BOOT = 'acl {\n  enabled = true\n  default_policy = "allow"\n}\nbootstrap_expect = 1\n';

export function fakeEdit(text: string, phase: 'bootstrap' | 'revert'): string {
  return phase === 'bootstrap' ? text.replace('"deny"', '"allow"').replace('= 3', '= 1') : text.replace('"allow"', '"deny"').replace('= 1', '= 3');
}

export class CrashAt extends Error {}

export const SPEC = { datacenter: 'dc1', vault: { enabled: false, storage: 'raft', kmsKeyId: null } } as unknown as ClusterSpec;

export async function danceWorld(root: string) {
  const model: ConsulModel = newConsulModel();
  model.up = false;
  model.leader = '';
  const fake = await startFakeConsul(model);
  const paths = new Paths(root);
  const configFile = paths.host('/etc/consul.d/consul.hcl');
  const calls: string[] = [];
  let restarts = 0;
  const applyConfig = async () => {
    const text = (await readOptional(configFile)) ?? '';
    model.defaultPolicy = text.includes('"allow"') ? 'allow' : 'deny';
    model.up = true;
    model.leader = '127.0.0.1:8300';
  };
  const active = new Set<Unit>();
  const sm: ServiceManager = {
    kind: 'local',
    async setDropIn(unit, name, content) {
      calls.push(`dropin ${unit} ${content === null ? 'remove' : 'write'}`);
      return { changed: await syncDropIn(paths, unit, name, content) };
    },
    async enable() {},
    async start(unit) {
      if (active.has(unit)) return;
      calls.push(`start ${unit}`);
      active.add(unit);
      await applyConfig();
    },
    async restart(unit) {
      calls.push(`restart ${unit}`);
      restarts++;
      active.add(unit);
      await applyConfig();
    },
    async stop(unit) {
      active.delete(unit);
      model.up = false;
    },
    async isActive(unit) {
      return active.has(unit);
    },
  };
  const store = new Map<string, string>();
  const localDir = path.join(root, 'secrets');
  const keeper: SecretKeeper = {
    async load(name) {
      return (await readOptional(path.join(localDir, name))) ?? store.get(name) ?? null;
    },
    async save(name, value) {
      if ((await readOptional(path.join(localDir, name))) !== value) await writeDurable(path.join(localDir, name), value);
      store.set(name, value);
    },
  };
  let published = 0;
  const ports = async (crashAt?: string): Promise<ConsulDancePorts> => ({
    clock: new ManualClock(),
    log: silentLog(),
    sm,
    journal: await (async () => {
      const j = await Journal.load(path.join(root, 'journal.json'));
      await j.bindInstance('i-1');
      return j;
    })(),
    consul: new ConsulApi({ address: fake.url, http: nodeHttp }),
    verifyHttps: async () => {},
    fullConfig: async () => FULL,
    editConfig: fakeEdit,
    currentConfig: () => readOptional(configFile),
    writeConfig: (text) => writeDurable(configFile, text, 0o640),
    keeper,
    fence: async () => {},
    acl: consulAclPlan(SPEC, 'node-1'),
    publishReady: async () => {
      published++;
    },
    crashPoint: (p) => {
      if (p === crashAt) throw new CrashAt(p);
    },
    pollMs: 10,
    leaderTimeoutMs: 1000,
  });
  return {
    model,
    sm,
    calls,
    keeper,
    store,
    ports,
    configFile,
    dropIn: paths.host('/run/systemd/system/consul.service.d/50-hashinode-bootstrap.conf'),
    restarts: () => restarts,
    published: () => published,
    /** The agent died: only durable state survives (files, the fake Consul keeps running). */
    crash() {
      // services keep running (detached), like real ones after the agent is SIGKILLed
    },
    readConfig: () => readFile(configFile, 'utf8'),
    close: () => fake.close(),
  };
}
