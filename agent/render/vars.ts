import { HashinodeError } from '../core/errors.ts';
import { tlsPaths } from '../node/materials.ts';
import type { NodeFacts, SpecField } from '../node/types.ts';
import { hasRole } from '../node/types.ts';

// Facts + spec -> the variables templates see. Pure. Values that end up inside other mini-languages
// (the cloud auto-join string of go-discover) are checked here, since HCL escaping cannot protect a
// language nested inside an HCL string.

export const CONSUL_DATA_DIR = '/opt/consul';
export const NOMAD_DATA_DIR = '/opt/nomad/data';
export const VAULT_DATA_DIR = '/opt/vault/data';
export const CONSUL_DNS_PORT = 8600;

export type TemplateVars = Record<string, unknown>;

/** Where a top-level template variable's value came from, for error messages. */
export function sourceDescriber(facts: NodeFacts): (root: string) => string | undefined {
  const spec = (field: SpecField) => facts.sources[field] ?? 'spec';
  const map: Record<string, () => string> = {
    instanceId: () => 'imds',
    privateIp: () => 'imds',
    region: () => 'imds',
    availabilityZone: () => 'imds',
    cluster: () => `cluster: ${spec('cluster')}`,
    datacenter: () => `datacenter: ${spec('datacenter')}`,
    clientAddr: () => `clientAddr: ${spec('clientAddr')}`,
    dns: () => `dnsSearch: ${spec('dnsSearch')}, recursors: ${spec('recursors')}`,
    nomad: () => `nomadRegion: ${spec('nomadRegion')}, nodeClass: ${spec('nodeClass')}, nodeMeta: ${spec('nodeMeta')}`,
    vault: () => `vault: ${spec('vault')}`,
    consul: () => `consulServers: ${spec('consulServers')}, joinTag: ${spec('joinTagKey')}`,
    gossipKey: () => 'the gossip key file',
  };
  return (root) => map[root]?.();
}

/** A value inside `provider=aws tag_key=K tag_value=V`: go-discover splits on spaces and `=`. */
function discoverWord(value: string, field: SpecField, facts: NodeFacts): string {
  if (value === '' || /[\s"'\\=]/.test(value) || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new HashinodeError(
      'HN_E_RENDER_INVALID',
      `${field} ${JSON.stringify(value)} (from ${facts.sources[field] ?? 'spec'}) cannot be used in a cloud auto-join string: no spaces, quotes, backslashes or '='`,
      { details: { field, source: facts.sources[field] } },
    );
  }
  return value;
}

export function autoJoinString(facts: NodeFacts): string {
  const key = discoverWord(facts.spec.joinTagKey, 'joinTagKey', facts);
  const value = discoverWord(facts.spec.joinTagValue, 'joinTagValue', facts);
  return `provider=aws tag_key=${key} tag_value=${value}`;
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function templateVars(facts: NodeFacts): TemplateVars {
  const { spec, instance } = facts;
  const join = autoJoinString(facts);
  const consulTls = tlsPaths('consul');
  const nomadTls = tlsPaths('nomad');
  const vaultTls = tlsPaths('vault');
  const ipSans = [...new Set([instance.privateIp, spec.clientAddr, '127.0.0.1'])];
  return {
    instanceId: instance.instanceId,
    privateIp: instance.privateIp,
    region: instance.region,
    availabilityZone: instance.availabilityZone,
    cluster: spec.cluster,
    datacenter: spec.datacenter,
    clientAddr: spec.clientAddr,
    consul: {
      dataDir: CONSUL_DATA_DIR,
      bootstrapExpect: spec.consulServers,
      retryJoin: [join],
      caFile: consulTls.caFile,
      certFile: consulTls.certFile,
      keyFile: consulTls.keyFile,
      ipSans,
    },
    nomad: {
      region: spec.nomadRegion,
      datacenter: spec.nomadDatacenter,
      dataDir: NOMAD_DATA_DIR,
      bootstrapExpect: spec.nomadServers,
      retryJoin: [join],
      client: hasRole(spec, 'nomad-client'),
      nodeClass: spec.nodeClass,
      meta: { ...spec.nodeMeta },
      caFile: nomadTls.caFile,
      certFile: nomadTls.certFile,
      keyFile: nomadTls.keyFile,
      consulAddress: hostPort(spec.clientAddr, 8500),
      consulGrpcAddress: hostPort(spec.clientAddr, 8503),
      consulCaFile: consulTls.caFile,
      vaultEnabled: spec.vault.enabled,
      vaultAddress: 'https://vault.service.consul:8200',
      vaultCaFile: vaultTls.caFile,
    },
    vault: {
      raft: spec.vault.storage === 'raft',
      dataDir: VAULT_DATA_DIR,
      apiAddr: `https://${hostPort(instance.privateIp, 8200)}`,
      clusterAddr: `https://${hostPort(instance.privateIp, 8201)}`,
      listenAddress: hostPort(instance.privateIp, 8200),
      clusterListenAddress: hostPort(instance.privateIp, 8201),
      caFile: vaultTls.caFile,
      certFile: vaultTls.certFile,
      keyFile: vaultTls.keyFile,
      autoJoin: join,
      consulAddress: hostPort(spec.clientAddr, 8500),
      kmsKeyId: spec.vault.kmsKeyId,
    },
    dns: {
      consulPort: CONSUL_DNS_PORT,
      recursors: spec.recursors,
      search: spec.dnsSearch,
      listenAddress: '127.0.0.1',
    },
  };
}
