// The metadata tree a fake IMDS serves: leaf paths (relative to /latest/) -> text. Directory
// listings are derived from the leaves, as IMDS lists a category's children with a trailing `/`
// on sub-categories.

export interface FakeImdsInstance {
  instanceId: string;
  region: string;
  availabilityZone: string;
  privateIp: string;
  mac: string;
  subnetId: string;
  vpcId: string;
  instanceType: string;
  amiId: string;
  accountId: string;
  architecture: string;
  /** Role name of the instance profile; null = no instance profile (iam/ is 404). */
  iamRole: string | null;
  /** Wall-clock launch time (ISO), as in the identity document's pendingTime. */
  pendingTime: string;
}

export interface FakeRoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  token: string;
  /** ISO time; default: one hour after the fake's clock now. */
  expiration?: string;
}

export interface SpotAction {
  action: 'terminate' | 'stop' | 'hibernate';
  /** ISO time of the interruption. */
  time: string;
}

export interface TreeState {
  instance: FakeImdsInstance;
  tags: Record<string, string>;
  tagsEnabled: boolean;
  spotAction: SpotAction | null;
  lifecycleState: string | null;
  credentials: FakeRoleCredentials;
  userData: string | null;
}

export const DEFAULT_INSTANCE: FakeImdsInstance = {
  instanceId: 'i-0123456789abcdef0',
  region: 'eu-west-1',
  availabilityZone: 'eu-west-1a',
  privateIp: '10.0.1.10',
  mac: '0a:1b:2c:3d:4e:5f',
  subnetId: 'subnet-0a1b2c3d4e5f60718',
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  instanceType: 't4g.small',
  amiId: 'ami-0a1b2c3d4e5f60718',
  accountId: '123456789012',
  architecture: 'arm64',
  iamRole: 'hashinode-node',
  pendingTime: '2026-01-01T00:00:00Z',
};

export const DEFAULT_CREDENTIALS: FakeRoleCredentials = {
  accessKeyId: 'ASIAFAKEIMDSROLE0001',
  secretAccessKey: 'fake/secret/from/the/fake/imds/0000000000',
  token: 'fake-session-token-from-imds',
};

/** The identity document as IMDS prints it: pretty JSON with ` : ` separators. */
export function identityDocument(i: FakeImdsInstance): string {
  const doc = {
    accountId: i.accountId,
    architecture: i.architecture,
    availabilityZone: i.availabilityZone,
    billingProducts: null,
    devpayProductCodes: null,
    marketplaceProductCodes: null,
    imageId: i.amiId,
    instanceId: i.instanceId,
    instanceType: i.instanceType,
    kernelId: null,
    pendingTime: i.pendingTime,
    privateIp: i.privateIp,
    ramdiskId: null,
    region: i.region,
    version: '2017-09-30',
  };
  return JSON.stringify(doc, null, 2).replace(/^( {2}"[A-Za-z]+"): /gm, '$1 : ');
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Leaf path -> content, for the current state. `nowMs` is the fake's wall clock. */
export function buildTree(s: TreeState, nowMs: number): Map<string, string> {
  const i = s.instance;
  const t = new Map<string, string>();
  const md = (p: string, v: string) => t.set(`meta-data/${p}`, v);
  const hostname = `ip-${i.privateIp.replaceAll('.', '-')}.${i.region}.compute.internal`;
  md('ami-id', i.amiId);
  md('instance-id', i.instanceId);
  md('instance-type', i.instanceType);
  md('local-ipv4', i.privateIp);
  md('local-hostname', hostname);
  md('hostname', hostname);
  md('mac', i.mac);
  md('placement/region', i.region);
  md('placement/availability-zone', i.availabilityZone);
  md('services/domain', 'amazonaws.com');
  md('services/partition', 'aws');
  const nic = `network/interfaces/macs/${i.mac}`;
  md(`${nic}/device-number`, '0');
  md(`${nic}/local-ipv4s`, i.privateIp);
  md(`${nic}/mac`, i.mac);
  md(`${nic}/subnet-id`, i.subnetId);
  md(`${nic}/vpc-id`, i.vpcId);
  if (i.iamRole) {
    const updated = iso(nowMs - 60_000);
    md(
      'iam/info',
      JSON.stringify(
        {
          Code: 'Success',
          LastUpdated: updated,
          InstanceProfileArn: `arn:aws:iam::${i.accountId}:instance-profile/${i.iamRole}`,
          InstanceProfileId: 'AIPAFAKEINSTANCEPROFILE',
        },
        null,
        2,
      ),
    );
    const c = s.credentials;
    md(
      `iam/security-credentials/${i.iamRole}`,
      JSON.stringify(
        {
          Code: 'Success',
          LastUpdated: updated,
          Type: 'AWS-HMAC',
          AccessKeyId: c.accessKeyId,
          SecretAccessKey: c.secretAccessKey,
          Token: c.token,
          Expiration: c.expiration ?? iso(nowMs + 3_600_000),
        },
        null,
        2,
      ),
    );
  }
  if (s.tagsEnabled) {
    // An empty tag list still exists as a category when metadata tags are on.
    if (Object.keys(s.tags).length === 0) md('tags/instance', '');
    for (const [k, v] of Object.entries(s.tags)) md(`tags/instance/${k}`, v);
  }
  if (s.spotAction) md('spot/instance-action', JSON.stringify(s.spotAction));
  if (s.lifecycleState) md('autoscaling/target-lifecycle-state', s.lifecycleState);
  if (s.userData !== null) t.set('user-data', s.userData);
  t.set('dynamic/instance-identity/document', identityDocument(i));
  return t;
}

/** Content of `path` (no leading slash, no trailing slash): a leaf, a listing, or undefined (404). */
export function lookup(tree: Map<string, string>, path: string): string | undefined {
  const leaf = tree.get(path);
  if (leaf !== undefined && !isDir(tree, path)) return leaf;
  if (!isDir(tree, path)) return undefined;
  const prefix = path === '' ? '' : `${path}/`;
  const children = new Set<string>();
  for (const key of tree.keys()) {
    if (!key.startsWith(prefix) || key === path) continue;
    const rest = key.slice(prefix.length);
    const slash = rest.indexOf('/');
    const child = slash === -1 ? rest : `${rest.slice(0, slash)}/`;
    children.add(!child.endsWith('/') && isDir(tree, `${prefix}${child}`) ? `${child}/` : child);
  }
  children.delete('');
  return [...children].join('\n');
}

function isDir(tree: Map<string, string>, path: string): boolean {
  if (path === '') return true;
  const prefix = `${path}/`;
  for (const key of tree.keys()) if (key.startsWith(prefix)) return true;
  // An empty tag category is a directory with no children.
  return path === 'meta-data/tags/instance' && tree.get(path) === '';
}
