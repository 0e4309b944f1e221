import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { listenFake } from './listen.ts';

// A fake Amazon EFS endpoint speaking the REST-JSON protocol the real @aws-sdk/client-efs uses:
// `GET /2015-02-01/file-systems` (optional FileSystemId / CreationToken, Marker + MaxItems paging,
// NextMarker in the answer, tags inline) and `GET /2015-02-01/mount-targets?FileSystemId=`. Errors
// carry `x-amzn-ErrorType` and a body `{"ErrorCode", "Message"}` as EFS sends them
// (FileSystemNotFound 404, BadRequest 400, ThrottlingException 429). Requests must be SigV4-signed
// for the `elasticfilesystem` service. Life-cycle states can be changed while it runs, so a test
// can watch a client wait for `creating` -> `available`.

export type EfsLifeCycleState = 'creating' | 'available' | 'updating' | 'deleting' | 'deleted' | 'error';

export interface FakeMountTarget {
  mountTargetId: string;
  availabilityZone: string;
  ipAddress: string;
  subnetId?: string;
  lifeCycleState?: EfsLifeCycleState;
}

export interface FakeFileSystem {
  fileSystemId: string;
  lifeCycleState: EfsLifeCycleState;
  tags: Record<string, string>;
  mountTargets: FakeMountTarget[];
  creationToken?: string;
  name?: string;
}

export interface FakeEfsOptions {
  fileSystems?: FakeFileSystem[];
  /** JSON file (`{"fileSystems": [...]}` or a bare array) re-read on every request. */
  stateFile?: string;
  /** Largest page returned even when a larger MaxItems is asked (EFS default and max: 100). */
  maxPageSize?: number;
  region?: string;
  host?: string;
  port?: number;
}

export interface FakeEfsRequest {
  operation: 'DescribeFileSystems' | 'DescribeMountTargets' | 'Unknown';
  query: Record<string, string>;
  status: number;
  errorCode?: string;
}

export interface FakeEfs {
  url: string;
  port: number;
  fileSystems: FakeFileSystem[];
  readonly calls: string[];
  readonly requests: FakeEfsRequest[];
  /** Sets a file system's life-cycle state (e.g. creating -> available) while running. */
  setState(fileSystemId: string, state: EfsLifeCycleState): void;
  /** Answer the next `count` requests (of `operation`, if given) with 429 ThrottlingException. */
  throttle(count: number, operation?: string): void;
  close(): Promise<void>;
}

const ACCOUNT = '123456789012';

class EfsError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status: number) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

function readState(file: string): FakeFileSystem[] {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as FakeFileSystem[] | { fileSystems?: FakeFileSystem[] };
    return Array.isArray(data) ? data : (data.fileSystems ?? []);
  } catch {
    return [];
  }
}

function signer(authorization: string | undefined): { region: string } | null {
  const m = /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/([^/]+)\/elasticfilesystem\/aws4_request,/.exec(authorization ?? '');
  return m ? { region: m[1]! } : null;
}

function describeFs(fs: FakeFileSystem, region: string) {
  return {
    OwnerId: ACCOUNT,
    CreationToken: fs.creationToken ?? fs.fileSystemId,
    FileSystemId: fs.fileSystemId,
    FileSystemArn: `arn:aws:elasticfilesystem:${region}:${ACCOUNT}:file-system/${fs.fileSystemId}`,
    CreationTime: 1767225600,
    LifeCycleState: fs.lifeCycleState,
    ...(fs.name ? { Name: fs.name } : {}),
    NumberOfMountTargets: fs.mountTargets.length,
    SizeInBytes: { Value: 6144, ValueInIA: 0, ValueInStandard: 6144 },
    PerformanceMode: 'generalPurpose',
    Encrypted: true,
    ThroughputMode: 'elastic',
    Tags: Object.entries(fs.tags).map(([Key, Value]) => ({ Key, Value })),
  };
}

function describeMt(fs: FakeFileSystem, mt: FakeMountTarget) {
  return {
    OwnerId: ACCOUNT,
    MountTargetId: mt.mountTargetId,
    FileSystemId: fs.fileSystemId,
    SubnetId: mt.subnetId ?? 'subnet-0123456789abcdef0',
    LifeCycleState: mt.lifeCycleState ?? 'available',
    IpAddress: mt.ipAddress,
    NetworkInterfaceId: `eni-${mt.mountTargetId.replace(/^fsmt-/, '')}`,
    AvailabilityZoneId: `use1-az${mt.availabilityZone.slice(-1).charCodeAt(0) - 96}`,
    AvailabilityZoneName: mt.availabilityZone,
    VpcId: 'vpc-0123456789abcdef0',
  };
}

/** Marker paging as EFS does it: an opaque token naming where the next page starts. */
function page<T>(items: T[], query: URLSearchParams, cap: number): { items: T[]; marker?: string; next?: string } {
  const maxRaw = query.get('MaxItems');
  const max = maxRaw === null ? cap : Number(maxRaw);
  if (!Number.isInteger(max) || max < 1) throw new EfsError('BadRequest', `Invalid MaxItems: ${maxRaw}`, 400);
  const marker = query.get('Marker') ?? undefined;
  let start = 0;
  if (marker !== undefined) {
    start = Number(Buffer.from(marker, 'base64url').toString('utf8').replace(/^m:/, ''));
    if (!Number.isInteger(start) || start < 0) throw new EfsError('BadRequest', 'Invalid Marker', 400);
  }
  const size = Math.min(max, cap);
  const slice = items.slice(start, start + size);
  const nextStart = start + size;
  return {
    items: slice,
    ...(marker !== undefined ? { marker } : {}),
    ...(nextStart < items.length ? { next: Buffer.from(`m:${nextStart}`).toString('base64url') } : {}),
  };
}

export async function startFakeEfs(opts: FakeEfsOptions = {}): Promise<FakeEfs> {
  const calls: string[] = [];
  const requests: FakeEfsRequest[] = [];
  let throttles: { left: number; operation?: string }[] = [];
  const cap = Math.min(opts.maxPageSize ?? 100, 100);
  const fake = { fileSystems: opts.fileSystems ?? [] };
  const all = () => (opts.stateFile ? readState(opts.stateFile) : fake.fileSystems);

  const send = (res: http.ServerResponse, status: number, body: unknown, errorType?: string) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': randomUUID(),
      ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
    });
    res.end(text);
  };

  const serve = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = url.searchParams;
    const operation: FakeEfsRequest['operation'] =
      req.method === 'GET' && url.pathname === '/2015-02-01/file-systems'
        ? 'DescribeFileSystems'
        : req.method === 'GET' && url.pathname === '/2015-02-01/mount-targets'
          ? 'DescribeMountTargets'
          : 'Unknown';
    const record: FakeEfsRequest = { operation, query: Object.fromEntries(query), status: 200 };
    calls.push(operation);
    requests.push(record);
    try {
      const auth = signer(req.headers.authorization);
      if (!auth) throw new EfsError('IncompleteSignatureException', 'Request is not signed for elasticfilesystem', 403);
      if (opts.region && auth.region !== opts.region) {
        throw new EfsError('InvalidSignatureException', `Credential should be scoped to a valid region, not '${auth.region}'.`, 403);
      }
      const region = auth.region;
      const t = throttles.find((x) => x.left > 0 && (x.operation === undefined || x.operation === operation));
      if (t) {
        t.left -= 1;
        throttles = throttles.filter((x) => x.left > 0);
        throw new EfsError('ThrottlingException', 'Rate exceeded', 429);
      }
      if (operation === 'DescribeFileSystems') {
        let list = all();
        const id = query.get('FileSystemId');
        const token = query.get('CreationToken');
        if (id !== null) {
          const bare = id.replace(/^arn:.*:file-system\//, '');
          list = list.filter((f) => f.fileSystemId === bare);
          if (list.length === 0) throw new EfsError('FileSystemNotFound', `File system '${bare}' does not exist.`, 404);
        }
        if (token !== null) list = list.filter((f) => (f.creationToken ?? f.fileSystemId) === token);
        list = list.filter((f) => f.lifeCycleState !== 'deleted');
        const p = page(list, query, cap);
        send(res, 200, {
          FileSystems: p.items.map((f) => describeFs(f, region)),
          ...(p.marker ? { Marker: p.marker } : {}),
          ...(p.next ? { NextMarker: p.next } : {}),
        });
        return;
      }
      if (operation === 'DescribeMountTargets') {
        const id = query.get('FileSystemId');
        if (id === null && !query.get('MountTargetId') && !query.get('AccessPointId')) {
          throw new EfsError('BadRequest', 'Must specify exactly one mutually exclusive parameter.', 400);
        }
        const fs = all().find((f) => f.fileSystemId === id);
        if (!fs) throw new EfsError('FileSystemNotFound', `File system '${id}' does not exist.`, 404);
        const p = page(fs.mountTargets, query, cap);
        send(res, 200, {
          MountTargets: p.items.map((mt) => describeMt(fs, mt)),
          ...(p.marker ? { Marker: p.marker } : {}),
          ...(p.next ? { NextMarker: p.next } : {}),
        });
        return;
      }
      throw new EfsError('BadRequest', `Unsupported operation ${req.method} ${url.pathname}`, 400);
    } catch (err) {
      const e = err instanceof EfsError ? err : new EfsError('InternalServerError', (err as Error).message, 500);
      record.status = e.status;
      record.errorCode = e.code;
      send(res, e.status, { ErrorCode: e.code, Message: e.message }, e.code);
    }
  };

  const onRequest: http.RequestListener = (req, res) => {
    req.resume();
    req.on('end', () => serve(req, res));
  };
  const listening = await listenFake(onRequest, opts);

  return {
    url: listening.url,
    port: listening.address.port,
    get fileSystems() {
      return fake.fileSystems;
    },
    set fileSystems(v) {
      fake.fileSystems = v;
    },
    calls,
    requests,
    setState(fileSystemId, state) {
      const fs = fake.fileSystems.find((f) => f.fileSystemId === fileSystemId);
      if (!fs) throw new Error(`fake EFS has no ${fileSystemId}`);
      fs.lifeCycleState = state;
    },
    throttle: (count, operation) => void throttles.push({ left: count, operation }),
    close: listening.close,
  };
}

// Standalone: node test/fakes/efs.ts --port N [--state FILE]. Prints {"url": ...} once listening.
if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      state: { type: 'string' },
      'page-size': { type: 'string' },
    },
  });
  const fake = await startFakeEfs({
    port: Number(values.port),
    host: values.host,
    stateFile: values.state,
    maxPageSize: values['page-size'] ? Number(values['page-size']) : undefined,
  });
  process.stdout.write(`${JSON.stringify({ url: fake.url, port: fake.port })}\n`);
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => void fake.close().then(() => process.exit(0)));
}
