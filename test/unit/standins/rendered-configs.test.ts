import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConsulConfig } from '../../fakes/standins/consul/config.ts';
import { loadNomadConfig } from '../../fakes/standins/nomad/config.ts';
import { loadVaultConfig } from '../../fakes/standins/vault/config.ts';

// The configs the repository renders (test/fixtures/render/golden/<case>/etc/*.d) must be
// accepted by the stand-ins exactly as they would be by the real agents: no unknown key, no
// refused combination, no warning about unknown Vault fields.

const GOLDEN = path.resolve(import.meta.dirname, '../../fixtures/render/golden');
const cases = existsSync(GOLDEN) ? readdirSync(GOLDEN) : [];
const dir = (c: string, s: string) => path.join(GOLDEN, c, 'etc', `${s}.d`);

describe('rendered configs are accepted', () => {
  it('there are golden renders to check', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  for (const c of cases) {
    if (existsSync(dir(c, 'consul'))) {
      it(`consul: ${c}`, () => {
        const cfg = loadConsulConfig({ configDirs: [dir(c, 'consul')], flagConfig: {} }, {});
        expect(cfg.acl.enabled).toBe(true);
      });
    }
    if (existsSync(dir(c, 'nomad'))) {
      it(`nomad: ${c}`, () => {
        const cfg = loadNomadConfig([dir(c, 'nomad')], {}, {});
        expect(cfg.server.enabled || cfg.client.enabled).toBe(true);
      });
    }
    if (existsSync(dir(c, 'vault'))) {
      it(`vault: ${c}`, () => {
        expect(loadVaultConfig([dir(c, 'vault')]).warnings).toEqual([]);
      });
    }
  }
});
