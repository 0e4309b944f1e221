import type { NodeFacts } from '../node/types.ts';
import { hasRole } from '../node/types.ts';
import type { TemplateContext } from './engine.ts';

// Which files a node gets for its roles, with owner, mode and the secret each one needs. Pure.

export type RenderService = 'consul' | 'nomad' | 'vault' | 'dnsmasq' | 'system';

export type SecretName = 'consulGossipKey' | 'nomadGossipKey' | 'vaultStorageToken' | 'nomadConsulToken';

/** Secrets that are Consul ACL tokens handed to a service through its env file (CONSUL_HTTP_TOKEN). */
export const ENV_TOKEN_SECRETS: readonly SecretName[] = ['vaultStorageToken', 'nomadConsulToken'];

export interface FilePlan {
  /** Template name under config-templates/, or undefined for files built in code. */
  template: string | undefined;
  context: TemplateContext;
  /** Host path. */
  path: string;
  mode: number;
  owner: string;
  group: string;
  service: RenderService;
  secret: boolean;
  /** The secret this file holds; without it the file is pending. */
  needs?: SecretName;
}

export const SERVICE_DIRS: Partial<Record<RenderService, { path: string; owner: string; group: string; mode: number }>> = {
  consul: { path: '/etc/consul.d', owner: 'consul', group: 'consul', mode: 0o750 },
  nomad: { path: '/etc/nomad.d', owner: 'nomad', group: 'nomad', mode: 0o750 },
  vault: { path: '/etc/vault.d', owner: 'vault', group: 'vault', mode: 0o750 },
};

export const SECRET_LABEL: Record<SecretName, string> = {
  consulGossipKey: 'the Consul gossip key',
  nomadGossipKey: 'the Nomad gossip key',
  vaultStorageToken: "the Consul ACL token for Vault's storage",
  nomadConsulToken: "the Consul ACL token for Nomad's Consul integration",
};

export function planFiles(facts: NodeFacts): FilePlan[] {
  const spec = facts.spec;
  const plans: FilePlan[] = [];
  const consulServer = hasRole(spec, 'consul-server');
  plans.push({
    template: consulServer ? 'consul/server.hcl' : 'consul/client.hcl',
    context: 'hcl',
    path: '/etc/consul.d/consul.hcl',
    mode: 0o640,
    owner: 'consul',
    group: 'consul',
    service: 'consul',
    secret: false,
  });
  plans.push({
    template: 'consul/encrypt.hcl',
    context: 'hcl',
    path: '/etc/consul.d/encrypt.hcl',
    mode: 0o640,
    owner: 'consul',
    group: 'consul',
    service: 'consul',
    secret: true,
    needs: 'consulGossipKey',
  });
  const nomadServer = hasRole(spec, 'nomad-server');
  if (nomadServer || hasRole(spec, 'nomad-client')) {
    plans.push({
      template: nomadServer ? 'nomad/server.hcl' : 'nomad/client.hcl',
      context: 'hcl',
      path: '/etc/nomad.d/nomad.hcl',
      mode: 0o640,
      owner: 'nomad',
      group: 'nomad',
      service: 'nomad',
      secret: false,
    });
  }
  if (nomadServer || hasRole(spec, 'nomad-client')) {
    // Nomad's Consul integration reads its ACL token from CONSUL_HTTP_TOKEN; HashiCorp's nomad.service
    // loads /etc/nomad.d/nomad.env, so nomad.hcl holds no secret.
    plans.push({
      template: undefined,
      context: 'conf',
      path: '/etc/nomad.d/nomad.env',
      mode: 0o640,
      owner: 'root',
      group: 'nomad',
      service: 'nomad',
      secret: true,
      needs: 'nomadConsulToken',
    });
  }
  if (nomadServer) {
    // Nomad gossip runs between servers only; clients have no use for the key.
    plans.push({
      template: 'nomad/encrypt.hcl',
      context: 'hcl',
      path: '/etc/nomad.d/encrypt.hcl',
      mode: 0o640,
      owner: 'nomad',
      group: 'nomad',
      service: 'nomad',
      secret: true,
      needs: 'nomadGossipKey',
    });
  }
  if (hasRole(spec, 'vault-server')) {
    plans.push({ template: 'vault/server.hcl', context: 'hcl', path: '/etc/vault.d/vault.hcl', mode: 0o640, owner: 'vault', group: 'vault', service: 'vault', secret: false });
    if (spec.vault.storage === 'consul') {
      plans.push({
        template: undefined,
        context: 'conf',
        path: '/etc/vault.d/vault.env',
        mode: 0o640,
        owner: 'root',
        group: 'vault',
        service: 'vault',
        secret: true,
        needs: 'vaultStorageToken',
      });
    }
  }
  plans.push({ template: 'dnsmasq/10-consul.conf', context: 'conf', path: '/etc/dnsmasq.d/10-consul.conf', mode: 0o644, owner: 'root', group: 'root', service: 'dnsmasq', secret: false });
  plans.push({ template: 'resolv.conf', context: 'conf', path: '/etc/resolv.conf', mode: 0o644, owner: 'root', group: 'root', service: 'system', secret: false });
  return plans;
}
