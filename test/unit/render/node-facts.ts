import type { ClusterSpec, NodeFacts, Role } from '../../../agent/node/types.ts';

// NodeFacts for the role combinations the goldens cover, built the way `hashinode facts` reports them.

export type Kind = 'server' | 'worker' | 'vault' | 'dev';

const ROLES: Record<Kind, Role[]> = {
  server: ['consul-server', 'nomad-server'],
  worker: ['nomad-client', 'consul-client'],
  vault: ['vault-server', 'consul-client'],
  dev: ['consul-server', 'nomad-server', 'nomad-client'],
};

const IDS: Record<Kind, { id: string; ip: string }> = {
  server: { id: 'i-0a1b2c3d4e5f60001', ip: '10.0.1.11' },
  worker: { id: 'i-0a1b2c3d4e5f60002', ip: '10.0.2.21' },
  vault: { id: 'i-0a1b2c3d4e5f60003', ip: '10.0.3.31' },
  dev: { id: 'i-0a1b2c3d4e5f60004', ip: '10.0.4.41' },
};

export function nodeFacts(kind: Kind, spec: Partial<ClusterSpec> = {}, tags: Record<string, string> = {}): NodeFacts {
  const { id, ip } = IDS[kind];
  const dev = kind === 'dev';
  return {
    instance: {
      instanceId: id,
      region: 'eu-west-1',
      availabilityZone: 'eu-west-1a',
      privateIp: ip,
      mac: '0e:00:00:00:00:01',
      subnetId: 'subnet-0123456789abcdef0',
      vpcId: 'vpc-0123456789abcdef0',
      instanceType: 't4g.small',
      amiId: 'ami-0123456789abcdef0',
      iamRole: 'hashinode-node',
    },
    tags: { 'hashinode:cluster': 'prod', ...tags },
    spec: {
      cluster: 'prod',
      roles: ROLES[kind],
      datacenter: 'dc1',
      nomadRegion: 'global',
      nomadDatacenter: 'dc1',
      consulServers: dev ? 1 : 3,
      nomadServers: dev ? 1 : 3,
      joinTagKey: 'hashinode:join',
      joinTagValue: 'prod',
      efs: 'fs-0123456789abcdef0',
      clientAddr: '127.0.0.1',
      dnsSearch: ['eu-west-1.compute.internal', 'consul'],
      recursors: ['169.254.169.253'],
      nodeClass: kind === 'worker' ? 'general' : null,
      nodeMeta: kind === 'worker' ? { team: 'platform', 'rack.zone': 'a' } : {},
      vault: { enabled: kind === 'vault' || kind === 'server', storage: 'raft', kmsKeyId: kind === 'vault' ? 'alias/hashinode-unseal' : null },
      ...spec,
    },
    sources: {
      cluster: 'tag:hashinode:cluster',
      roles: 'tag:hashinode:roles',
      datacenter: 'default',
      nodeClass: 'tag:hashinode:node-class',
      nodeMeta: 'tag:hashinode:meta:team',
      joinTagKey: 'default',
      joinTagValue: 'derived',
      clientAddr: 'default',
      dnsSearch: 'derived',
      recursors: 'default',
    },
  };
}

export const CONSUL_KEY = 'pUqJrVyVRj5jsiYEkM/tFQYfWyJIv4s3XkvDwy7Cu5s=';
export const NOMAD_KEY = 'k6mL0bSXa8U3PWbN6C0Ke0Dkyvbd0Q8Q0pA8PnpQ0uA=';
/** A Consul ACL token for Nomad's Consul integration (nomad.env). */
export const NOMAD_CONSUL_TOKEN = '6d2b9f4e-8c1a-4e37-9a05-3b7c1e9d2f48';
