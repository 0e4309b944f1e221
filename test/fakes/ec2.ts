import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Clock, systemClock } from '../../agent/core/clock.ts';
import { describeInstances, describeTags, errorXml } from './ec2-actions.ts';
import { type FakeInstance, QueryError } from './ec2-query.ts';
import { listenFake } from './listen.ts';

// A fake EC2 endpoint for the EC2 Query protocol (POST form `Action=...&Version=2016-11-15`, XML
// answers), so the real @aws-sdk/client-ec2 talks to it: DescribeTags and DescribeInstances with
// filters and NextToken paging, SigV4-signed requests required, errors in EC2's
// <Response><Errors>... shape (RequestLimitExceeded as 503, bad parameters as 400).

export type { FakeInstance, InstanceStateName } from './ec2-query.ts';

export interface FakeEc2Options {
  instances?: FakeInstance[];
  /** JSON file (`{"instances": [...]}` or a bare array) re-read on every request. */
  stateFile?: string;
  /** Largest page the fake returns even when asked for more (to exercise paging). Default 1000. */
  maxPageSize?: number;
  /** When set, requests signed for another region fail with AuthFailure. */
  region?: string;
  /** When set, only these access key ids are accepted (e.g. the fake IMDS role credentials). */
  accessKeyIds?: string[];
  /**
   * EC2's request-rate throttling as a token bucket shared by all callers (AWS: 100 requests,
   * refilled at 20/s, per account and region). A request finding the bucket empty gets
   * RequestLimitExceeded. Time comes from `clock` (default the system clock).
   */
  rateLimit?: { capacity: number; refillPerSecond: number; clock?: Clock };
  host?: string;
  port?: number;
}

export interface FakeEc2Request {
  action: string;
  params: Record<string, string>;
  accessKeyId: string | null;
  region: string | null;
  status: number;
  errorCode?: string;
}

export interface FakeEc2 {
  url: string;
  port: number;
  /** The instances served (ignored while a stateFile is set). */
  instances: FakeInstance[];
  /** Action names of every request, in order (including throttled ones). */
  readonly calls: string[];
  readonly requests: FakeEc2Request[];
  /** Answer the next `count` requests (of `action`, if given) with 503 RequestLimitExceeded. */
  throttle(count: number, action?: string): void;
  /** Answer the next request (of `action`, if given) with this error. */
  failNext(error: { code: string; message: string; status: number; action?: string }): void;
  close(): Promise<void>;
}

const ACTIONS: Record<string, typeof describeTags> = {
  DescribeTags: describeTags,
  DescribeInstances: describeInstances,
};

function readState(file: string): FakeInstance[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const data = JSON.parse(text) as FakeInstance[] | { instances?: FakeInstance[] };
  return Array.isArray(data) ? data : (data.instances ?? []);
}

function signer(authorization: string | undefined): { accessKeyId: string; region: string } | null {
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/([^/]+)\/ec2\/aws4_request,/.exec(authorization ?? '');
  return m ? { accessKeyId: m[1]!, region: m[2]! } : null;
}

export async function startFakeEc2(opts: FakeEc2Options = {}): Promise<FakeEc2> {
  const calls: string[] = [];
  const requests: FakeEc2Request[] = [];
  let throttles: { left: number; action?: string }[] = [];
  let failures: { code: string; message: string; status: number; action?: string }[] = [];
  const cap = opts.maxPageSize ?? 1000;
  const fake = { instances: opts.instances ?? [] };
  const bucket = opts.rateLimit && {
    ...opts.rateLimit,
    clock: opts.rateLimit.clock ?? systemClock,
    tokens: opts.rateLimit.capacity,
    at: (opts.rateLimit.clock ?? systemClock).monotonic(),
  };
  /** Takes one request from the bucket; false when it is empty. */
  const admit = (): boolean => {
    if (!bucket) return true;
    const now = bucket.clock.monotonic();
    bucket.tokens = Math.min(bucket.capacity, bucket.tokens + ((now - bucket.at) / 1000) * bucket.refillPerSecond);
    bucket.at = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  };

  const answer = (res: http.ServerResponse, status: number, xml: string) => {
    res.writeHead(status, { 'content-type': 'text/xml;charset=UTF-8', 'content-length': Buffer.byteLength(xml) });
    res.end(xml);
  };

  const serve = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => {
    const requestId = randomUUID();
    const params = new URLSearchParams(req.method === 'POST' ? body : (req.url ?? '').replace(/^[^?]*\??/, ''));
    const action = params.get('Action') ?? '';
    const auth = signer(req.headers.authorization);
    const record: FakeEc2Request = {
      action,
      params: Object.fromEntries(params),
      accessKeyId: auth?.accessKeyId ?? null,
      region: auth?.region ?? null,
      status: 200,
    };
    calls.push(action);
    requests.push(record);
    const fail = (err: QueryError) => {
      record.status = err.status;
      record.errorCode = err.code;
      answer(res, err.status, errorXml(err.code, err.message, requestId));
    };
    try {
      if (!auth) throw new QueryError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401);
      if (opts.accessKeyIds && !opts.accessKeyIds.includes(auth.accessKeyId)) {
        throw new QueryError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401);
      }
      if (opts.region && auth.region !== opts.region) {
        throw new QueryError('AuthFailure', `Credential should be scoped to a valid region, not '${auth.region}'.`, 401);
      }
      const throttle = throttles.find((t) => t.left > 0 && (t.action === undefined || t.action === action));
      if (throttle) {
        throttle.left -= 1;
        throttles = throttles.filter((t) => t.left > 0);
        throw new QueryError('RequestLimitExceeded', 'Request limit exceeded.', 503);
      }
      if (!admit()) throw new QueryError('RequestLimitExceeded', 'Request limit exceeded.', 503);
      const failure = failures.find((f) => f.action === undefined || f.action === action);
      if (failure) {
        failures = failures.filter((f) => f !== failure);
        throw new QueryError(failure.code, failure.message, failure.status);
      }
      const handler = ACTIONS[action];
      if (!handler) throw new QueryError('InvalidAction', `The action ${action || '(none)'} is not valid for this web service.`);
      if (params.get('Version') !== '2016-11-15') throw new QueryError('InvalidParameterValue', `Invalid API version ${params.get('Version')}`);
      const instances = opts.stateFile ? readState(opts.stateFile) : fake.instances;
      answer(res, 200, handler(params, instances, cap, requestId));
    } catch (err) {
      if (err instanceof QueryError) fail(err);
      else fail(new QueryError('InternalError', `An internal error has occurred: ${(err as Error).message}`, 500));
    }
  };

  const onRequest: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => serve(req, Buffer.concat(chunks).toString('utf8'), res));
  };
  const listening = await listenFake(onRequest, opts);

  return {
    url: listening.url,
    port: listening.address.port,
    get instances() {
      return fake.instances;
    },
    set instances(v) {
      fake.instances = v;
    },
    calls,
    requests,
    throttle: (count, action) => void throttles.push({ left: count, action }),
    failNext: (error) => void failures.push(error),
    close: listening.close,
  };
}

// Standalone: node test/fakes/ec2.ts --port N [--state FILE] [--page-size N] [--rate-limit CAP/PER_SECOND]
// Prints one JSON line {"url": ...} once listening.
if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      state: { type: 'string' },
      'page-size': { type: 'string' },
      // capacity/refill-per-second, e.g. 100/20 as AWS does per account and region
      'rate-limit': { type: 'string' },
    },
  });
  const [capacity, refill] = (values['rate-limit'] ?? '').split('/').map(Number);
  const fake = await startFakeEc2({
    port: Number(values.port),
    host: values.host,
    stateFile: values.state,
    maxPageSize: values['page-size'] ? Number(values['page-size']) : undefined,
    rateLimit: capacity && refill ? { capacity, refillPerSecond: refill } : undefined,
  });
  process.stdout.write(`${JSON.stringify({ url: fake.url, port: fake.port })}\n`);
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => void fake.close().then(() => process.exit(0)));
}
