// The data every later step decides from. Facts come from IMDS; the spec merges flags, the env
// file, instance tags and defaults. These shapes are the contract between identify, render, elect,
// PKI and the workflow, so they change only together with all of them.

export const ROLES = ['consul-server', 'consul-client', 'nomad-server', 'nomad-client', 'vault-server'] as const;
export type Role = (typeof ROLES)[number];

/** What IMDS says about this instance. */
export interface InstanceFacts {
  instanceId: string;
  region: string;
  availabilityZone: string;
  privateIp: string;
  mac: string;
  subnetId: string;
  vpcId: string;
  instanceType: string;
  amiId: string;
  /** IAM role name from the instance profile, or null when the instance has none. */
  iamRole: string | null;
}

/** The signed instance identity document, kept verbatim: its bytes are what AWS signed. */
export interface IdentityDocument {
  /** The document exactly as IMDS returned it (JSON text). */
  document: string;
  /** Base64 RSA-SHA256 signature from `dynamic/instance-identity/signature`. */
  signature: string;
}

/** Where a spec field's value came from: shown by `hashinode facts` and named in errors. */
export type Source = 'flag' | `env:${string}:${number}` | `tag:${string}` | 'imds' | 'default' | 'derived';

export type VaultStorage = 'raft' | 'consul';

export interface ClusterSpec {
  /** Cluster name; scopes the shared-disk directory and the auto-join tag. */
  cluster: string;
  /** Normalised roles: every node that is not a Consul server also has consul-client. */
  roles: Role[];
  /** Consul datacenter (default dc1). */
  datacenter: string;
  /** Nomad region (default global) and datacenter (default: the Consul datacenter). */
  nomadRegion: string;
  nomadDatacenter: string;
  /** bootstrap_expect for each server set (default 3). */
  consulServers: number;
  nomadServers: number;
  /** The tag cloud auto-join looks for: `provider=aws tag_key=K tag_value=V`. */
  joinTagKey: string;
  joinTagValue: string;
  /** EFS file-system id (fs-...), or 'discover' to find it by the cluster tag. */
  efs: string;
  /**
   * Address Consul/Nomad/Vault serve their local HTTP APIs on (default 127.0.0.1). The local
   * simulation gives each node its own loopback address here, since all its nodes share one host.
   */
  clientAddr: string;
  /** resolv.conf search domains (default `<region>.compute.internal consul`). */
  dnsSearch: string[];
  /** Upstream DNS for dnsmasq (default the VPC resolver 169.254.169.253). */
  recursors: string[];
  /** Nomad client node_class, and node meta (from `hashinode:meta:<key>` tags). */
  nodeClass: string | null;
  nodeMeta: Record<string, string>;
  vault: {
    /** Whether the cluster has Vault (Nomad's vault stanza depends on it). */
    enabled: boolean;
    storage: VaultStorage;
    /** KMS key id/ARN for `seal "awskms"` auto-unseal, or null (Vault stays sealed for a human). */
    kmsKeyId: string | null;
  };
}

export type SpecField = keyof ClusterSpec;

/** Keys of NodeFacts.sources: the spec fields, plus Vault's storage and KMS key (set apart from `vault`). */
export type SourceKey = SpecField | 'vaultStorage' | 'vaultKmsKey';

/** Instance facts plus the merged spec with the source of every field: `hashinode facts --json`. */
export interface NodeFacts {
  instance: InstanceFacts;
  tags: Record<string, string>;
  spec: ClusterSpec;
  sources: Partial<Record<SourceKey, Source>>;
}

export function hasRole(spec: Pick<ClusterSpec, 'roles'>, role: Role): boolean {
  return spec.roles.includes(role);
}
