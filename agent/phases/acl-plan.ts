import type { ClusterSpec } from '../node/types.ts';
import type { ConsulPolicySpec } from '../services/consul.ts';

// The Consul ACL objects a cluster needs, as data. Every token is named by the secret that holds
// its SecretID (see secrets.ts); the bundle/token file names follow pki's token naming.

export interface PlannedToken {
  /** Secret name in the keeper (also the token's file name on nodes that receive it). */
  secret: string;
  description: string;
  policies: string[];
  nodeIdentity?: { NodeName: string; Datacenter: string };
}

export interface AclPlan {
  policies: ConsulPolicySpec[];
  tokens: PlannedToken[];
  /** Secret names set as this agent's `agent` and `default` tokens. */
  agentToken: string;
  defaultToken: string;
}

export const DNS_POLICY = 'hashinode-dns-read';

export function consulAclPlan(spec: ClusterSpec, nodeName: string): AclPlan {
  const policies: ConsulPolicySpec[] = [
    {
      Name: DNS_POLICY,
      Description: 'DNS and catalog reads for the agents default token (hashinode)',
      Rules: 'node_prefix "" { policy = "read" }\nservice_prefix "" { policy = "read" }\nquery_prefix "" { policy = "read" }\n',
    },
    {
      Name: 'hashinode-nomad-server',
      Description: 'What Nomad servers need from Consul (hashinode)',
      Rules: 'agent_prefix "" { policy = "read" }\nnode_prefix "" { policy = "read" }\nservice_prefix "" { policy = "write" }\nacl = "write"\n',
    },
    {
      Name: 'hashinode-nomad-client',
      Description: 'What Nomad clients need from Consul (hashinode)',
      Rules: 'agent_prefix "" { policy = "read" }\nnode_prefix "" { policy = "read" }\nservice_prefix "" { policy = "write" }\n',
    },
    {
      Name: 'hashinode-client-agent',
      Description: 'Consul client agents registering themselves (hashinode)',
      Rules: 'node_prefix "" { policy = "write" }\nagent_prefix "" { policy = "write" }\nservice_prefix "" { policy = "read" }\n',
    },
  ];
  const tokens: PlannedToken[] = [
    { secret: 'consulDns', description: 'DNS default token (hashinode)', policies: [DNS_POLICY] },
    { secret: 'consulAgent', description: `agent token of ${nodeName} (hashinode)`, policies: [], nodeIdentity: { NodeName: nodeName, Datacenter: spec.datacenter } },
    { secret: 'consulClientAgent', description: 'agent token of Consul client agents (hashinode)', policies: ['hashinode-client-agent'] },
    { secret: 'nomadServerConsul', description: 'Nomad servers in Consul (hashinode)', policies: ['hashinode-nomad-server'] },
    { secret: 'nomadClientConsul', description: 'Nomad clients in Consul (hashinode)', policies: ['hashinode-nomad-client'] },
  ];
  if (spec.vault.enabled && spec.vault.storage === 'consul') {
    policies.push({
      Name: 'hashinode-vault-storage',
      Description: 'Vault storage backend (hashinode)',
      Rules: 'key_prefix "vault/" { policy = "write" }\nservice "vault" { policy = "write" }\nagent_prefix "" { policy = "read" }\nsession_prefix "" { policy = "write" }\n',
    });
    tokens.push({ secret: 'vaultStorage', description: 'Vault storage in Consul (hashinode)', policies: ['hashinode-vault-storage'] });
  }
  return { policies, tokens, agentToken: 'consulAgent', defaultToken: 'consulDns' };
}

/** A server that joins later creates only its own agent token (node identity). */
export function ownAgentTokenPlan(spec: ClusterSpec, nodeName: string, secret = 'consulAgent'): PlannedToken {
  return { secret, description: `agent token of ${nodeName} (hashinode)`, policies: [], nodeIdentity: { NodeName: nodeName, Datacenter: spec.datacenter } };
}
